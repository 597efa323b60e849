"""One folder per lesson: what that lesson knows — its analysis (pure: no streamlit, no altair),
its charts, its views and its sweep panel. A lesson may use `mlp_core` and `ui`; neither of them
imports a lesson (tests/test_layers.py holds these rules)."""
