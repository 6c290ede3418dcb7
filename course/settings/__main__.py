"""``python -m course.settings [FILE]``: check a settings file and print a summary."""

from . import main

if __name__ == "__main__":
    raise SystemExit(main())
