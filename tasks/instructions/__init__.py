"""Leaders' instructions (领导批示): a leader writes one on a task or a report; the task's 主办 unit
answers it (落实情况). services.py writes, selectors.py reads, views.py and forms.py are the pages."""
