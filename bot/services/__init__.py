"""Services: the rules of each feature over the repositories; they never see Discord."""
