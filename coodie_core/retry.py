"""Retry decisions that never send a write twice when it may have been applied.

The driver's default :class:`~cassandra.policies.RetryPolicy` answers every
request error (a connection that broke while the request was in flight, an
overloaded or failing coordinator) with "retry on the next host", whatever the
statement. For a counter update, a list append or a conditional (LWT) write
whose first attempt reached the replicas, that retry applies it twice (or, for
LWT, reports ``[applied] = False`` for a write that was in fact applied).

:class:`IdempotenceAwareRetryPolicy` wraps another policy (the driver's default
unless given one) and asks it only about statements marked ``is_idempotent``.
coodie marks every statement it sends (reads and plain writes are idempotent;
counter updates, list appends/prepends/removals, LWT and batches holding any of
those are not). For a statement not marked idempotent:

* ``on_request_error``: rethrow (the write may have been applied), except when
  the coordinator answered that it is still bootstrapping (it ran nothing);
* ``on_write_timeout``: rethrow (replicas may have applied the write);
* ``on_unavailable``: as the wrapped policy (the coordinator refused before
  contacting any replica, so nothing was applied);
* ``on_read_timeout``: as the wrapped policy (a read changes nothing).

Where it is installed:

* on clusters coodie creates (``coodie_core.connect``, compat's
  ``connection.setup`` / ``register_connection(hosts=...)``): the default
  execution profile's retry policy (or ``Cluster.default_retry_policy`` in the
  driver's legacy mode) is wrapped once, so the policy given in the cluster
  options still decides for idempotent statements;
* on sessions the application registers itself: the session is left alone
  (its own statements keep whatever policy it has), and each statement coodie
  sends that is *not* idempotent carries a :class:`SessionRetryGuard`, which
  decides as above and otherwise asks the session's current default policy.
"""

from __future__ import annotations

from typing import Any

from cassandra.cluster import ExecutionProfile
from cassandra.policies import RetryPolicy
from cassandra.protocol import IsBootstrappingErrorMessage

__all__ = [
    "IdempotenceAwareRetryPolicy",
    "SessionRetryGuard",
    "current_retry_policy",
    "guard_cluster",
]

Decision = tuple[int, Any]


class IdempotenceAwareRetryPolicy(RetryPolicy):  # type: ignore[misc]
    """Delegate to ``inner`` for idempotent statements; never retry a statement
    not marked idempotent after an error that leaves its outcome unknown."""

    def __init__(self, inner: RetryPolicy | None = None) -> None:
        self._inner = inner if inner is not None else RetryPolicy()

    @property
    def inner(self) -> RetryPolicy:
        """The policy consulted whenever a retry is safe."""
        return self._inner

    def on_read_timeout(self, query: Any, *args: Any, **kwargs: Any) -> Decision:
        """As ``inner``: a read applies nothing."""
        decision: Decision = self.inner.on_read_timeout(query, *args, **kwargs)
        return decision

    def on_unavailable(self, query: Any, *args: Any, **kwargs: Any) -> Decision:
        """As ``inner``: the coordinator sent the request to no replica."""
        decision: Decision = self.inner.on_unavailable(query, *args, **kwargs)
        return decision

    def on_write_timeout(self, query: Any, *args: Any, **kwargs: Any) -> Decision:
        """Rethrow for a statement not marked idempotent, else as ``inner``."""
        if not getattr(query, "is_idempotent", False):
            return self.RETHROW, None
        decision: Decision = self.inner.on_write_timeout(query, *args, **kwargs)
        return decision

    def on_request_error(
        self, query: Any, consistency: Any, error: Any, retry_num: int
    ) -> Decision:
        """Rethrow for a statement not marked idempotent (unless the coordinator
        was bootstrapping and ran nothing), else as ``inner``."""
        if not getattr(query, "is_idempotent", False) and not isinstance(
            error, IsBootstrappingErrorMessage
        ):
            return self.RETHROW, None
        decision: Decision = self.inner.on_request_error(query, consistency, error, retry_num)
        return decision


class SessionRetryGuard(IdempotenceAwareRetryPolicy):
    """The per-statement form, for sessions coodie did not create.

    Set as ``retry_policy`` on the statements coodie sends that are not
    idempotent; ``inner`` is the policy the session would have used, read at each
    decision (so later changes to the session's profile are followed).
    """

    def __init__(self, session: Any) -> None:
        super().__init__()
        self._session = session

    @property
    def inner(self) -> RetryPolicy:
        """The retry policy of the session's default execution profile now."""
        return current_retry_policy(self._session.cluster)


def current_retry_policy(cluster: Any) -> RetryPolicy:
    """The retry policy requests without one of their own use on ``cluster``."""
    from cassandra.cluster import _ConfigMode

    if getattr(cluster, "_config_mode", None) == _ConfigMode.LEGACY:
        legacy: RetryPolicy = cluster.default_retry_policy
        return legacy
    policy: RetryPolicy = cluster.profile_manager.default.retry_policy
    return policy


def guard_cluster(cluster: Any) -> None:
    """Wrap ``cluster``'s default retry policy in :class:`IdempotenceAwareRetryPolicy`.

    Done once per default profile (and, unless the cluster runs on execution
    profiles, for ``Cluster.default_retry_policy``, which the driver's legacy
    mode uses: a cluster not committed to a mode yet can still switch to it, as
    compat does when it sets a session-wide consistency level). A policy already
    wrapped, or replaced by the application after being wrapped, is left as it
    is. Objects that are not driver clusters (test doubles) are ignored.
    """
    from cassandra.cluster import _ConfigMode

    mode = getattr(cluster, "_config_mode", None)
    if mode not in (_ConfigMode.UNCOMMITTED, _ConfigMode.LEGACY, _ConfigMode.PROFILES):
        return
    if mode != _ConfigMode.PROFILES and not getattr(cluster, "_coodie_retry_guarded", False):
        legacy = cluster._default_retry_policy
        if not isinstance(legacy, IdempotenceAwareRetryPolicy):
            # the attribute, not the property: its setter would commit the legacy mode
            cluster._default_retry_policy = IdempotenceAwareRetryPolicy(legacy)
        cluster._coodie_retry_guarded = True
    if mode == _ConfigMode.LEGACY:
        return
    profile = cluster.profile_manager.default
    if not isinstance(profile, ExecutionProfile) or getattr(
        profile, "_coodie_retry_guarded", False
    ):
        return
    if not isinstance(profile.retry_policy, IdempotenceAwareRetryPolicy):
        profile.retry_policy = IdempotenceAwareRetryPolicy(profile.retry_policy)
    profile._coodie_retry_guarded = True
