"""Backends execute a plan on its framework: ``torch`` (the reference, for ``aten`` and
``torch`` plans), ``numpy``, ``tf`` (eager or ``tf.function``) and ``tfjs`` (a Node worker).
The Python backends share one interpreter loop (:mod:`.base`) and differ only in how one
command is resolved and how arrays enter and leave the framework."""
