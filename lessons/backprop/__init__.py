"""The backprop walkthrough (E4–E7, E10): computational graphs step by step, the chain rule for one
weight, activation functions and linear regression by hand."""
