"""Operator tools: the checkers and calculators a shop back office offers."""
