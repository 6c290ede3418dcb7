"""Module 2 (营销活动策划与落地执行): the declared tasks of its four notebooks."""
