"""Module 4 (客户关系维护与转化): declared tasks of each notebook and their reference logic."""
