"""Reference graders of module 1 (商品运营全链路): one file per notebook."""
