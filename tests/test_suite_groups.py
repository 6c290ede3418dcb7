"""How ``make test`` spreads the suite over xdist workers (tests/conftest.py): the grouping examples run."""

import doctest
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _root_conftest():
    # by path: "conftest" on sys.path may be another folder's (tests/browser, tests/hub)
    spec = importlib.util.spec_from_file_location("tests_root_conftest", HERE / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_grouping_examples_run():
    conftest = _root_conftest()
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(conftest.xdist_group_of, globs=vars(conftest)):
        runner.run(test)
    assert runner.summarize(verbose=False).attempted == 3 and runner.failures == 0


def test_longest_groups_are_real_groups():
    """A renamed test file must not silently drop out of the longest-first queue."""
    for name in _root_conftest().LONGEST:
        assert (HERE.parent / name.split("::")[0]).is_file(), name
