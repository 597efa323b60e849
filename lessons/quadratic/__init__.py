"""Quadratic regression (E8, E9): what a fit of y = x² + 3 + noise can reach, its charts and its
seed-sweep panel."""
