"""Who answers for a task (主办) and when it is done (办结销号).

- selectors.py: the 主办 unit of a task and every unit's own progress on it (the task page's matrix);
- services.py: the office names the 主办; the 主办 unit asks to close (申请办结) with evidence files;
  the office checks and closes (销号) or returns it, and can reopen a closed task;
- forms.py, views.py: the pages of those actions.

The task's own status and percent follow from these records in one place, querysets.derivation().
"""
