"""The lecture as a path of steps (path.py); ui/lecture.py draws it."""
