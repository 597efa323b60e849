"""Perceptron & XOR (E1–E3): the analysis of a trained network's anatomy, its diagram, the page's
views and its seed-sweep panel."""
