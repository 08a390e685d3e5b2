"""`course check` and `course grade`, as a pipeline in reading order.

1. ``assemble``: the learner's answers put into the pristine exercise notebook, hidden tests after.
2. ``execute``: the assembled notebook run headless, one cell time limit each.
3. ``score``: what the checks recorded turned into one ``Outcome`` per exercise.
4. ``report`` (in ``grade_command``): CSV, Markdown and each learner's results.json.

``worker`` is the child process that does 1-3 for one notebook; ``supervisor``
starts it with a hard time limit and reads its report. ``check_command`` and
``grade_command`` are the two commands built on them.
"""
