"""A small legacy application written against the stock ``cassandra.cqlengine``.

It records greenhouse sensor readings: ``models`` holds its four tables and
``app`` its operations, run as a scripted session of steps. Nothing in here
knows about coodie: the demo runs this very code on stock cqlengine, then
unmodified on ``coodie_compat`` (through ``coodie_compat.install_alias()``),
then converts ``models.py`` with ``coodie convert``.
"""
