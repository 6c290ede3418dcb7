"""How ``make test`` spreads the suite over xdist workers (tests/conftest.py): the grouping examples run."""

import doctest

import conftest


def test_grouping_examples_run():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for test in finder.find(
        conftest.xdist_group_of, "xdist_group_of", globs={"xdist_group_of": conftest.xdist_group_of}
    ):
        runner.run(test)
    assert runner.summarize(verbose=False).attempted == 3 and runner.failures == 0


def test_longest_groups_are_real_groups():
    """A renamed test file must not silently drop out of the longest-first queue."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    for name in conftest.LONGEST:
        assert (repo / name.split("::")[0]).is_file(), name
