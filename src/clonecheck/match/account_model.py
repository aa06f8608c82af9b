"""Coefficients of the account-shape model, written by scripts/train_account_model.py.

Logistic regression on Cresci 2015 (1,481 genuine accounts vs 1,337 bought fake
followers); features are log1p of the counts, standardised by MEAN and SCALE; the
probability is that of the bought-fake-follower class. Do not edit by hand.
"""

FEATURES: tuple[str, ...] = ("followers", "following", "posts")
MEAN: tuple[float, ...] = (3.754239, 5.563746, 5.222343)
SCALE: tuple[float, ...] = (1.546286, 1.006298, 2.181675)
INTERCEPT: float = -2.918857
COEFFICIENTS: tuple[float, ...] = (-5.112742, 4.319432, -3.723454)
CROSS_VALIDATED_AUC: float = 0.9969
