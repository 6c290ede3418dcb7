"""Chinese glyphs in matplotlib and seaborn charts, on any machine.

The font is Noto Sans SC (SIL Open Font License), shipped inside the PyPI
package ``zhplot``, so it arrives with ``pip install`` on Windows, macOS and
Linux alike; no system font and no proprietary font (SimHei) is needed.

``sns.set_theme()`` resets the font list to Arial/DejaVu, which would bring
the boxes back; ``use_chinese_font`` therefore also wraps seaborn's style
functions so the Chinese font is put back after each of them.  Seaborn is not
imported for that (it loads scipy.stats: about 1 CPU-second in every kernel,
and one notebook uses it): when a notebook imports it later, the wrap is made
right after the import.

>>> use_chinese_font()
'Noto Sans SC'
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import sys
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_NAME = "Noto Sans SC"


def font_path() -> Path:
    """Path of the bundled Noto Sans SC font file."""
    import zhplot

    path = Path(zhplot.__file__).with_name("fonts") / "NotoSansSC-Regular.ttf"
    if not path.exists():  # pragma: no cover - broken install
        from .messages import CourseError

        raise CourseError(
            "找不到中文字体 NotoSansSC-Regular.ttf，请重新安装课程环境（make lab 或 pip install zhplot）。"
        )
    return path


def _apply_rc() -> None:
    rc = matplotlib.rcParams
    families = [f for f in rc["font.sans-serif"] if f != FONT_NAME]
    rc["font.sans-serif"] = [FONT_NAME, *families]
    fam = rc["font.family"]
    fam = [fam] if isinstance(fam, str) else list(fam)
    if "sans-serif" not in fam:
        fam = ["sans-serif", *fam]
    rc["font.family"] = fam
    # the ASCII hyphen-minus renders in every font; U+2212 is not in all CJK fonts
    rc["axes.unicode_minus"] = False


def _wrap_seaborn() -> None:
    """Wrap seaborn's style functions now if it is imported, else right after its import."""
    if "seaborn" in sys.modules:
        _wrap_seaborn_now()
    elif not any(isinstance(f, _WrapSeabornOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _WrapSeabornOnImport())


class _WrapSeabornOnImport(importlib.abc.MetaPathFinder):
    """Finds seaborn as usual, with a loader that wraps its style functions once it has run."""

    def find_spec(self, name, path=None, target=None):
        if name != "seaborn":
            return None
        sys.meta_path.remove(self)  # one shot; also keeps find_spec below from coming back here
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenWrap(spec.loader)
        return spec


class _ThenWrap(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _wrap_seaborn_now()

    def __getattr__(self, name):  # resources, is_package ...: the real loader's
        return getattr(self.loader, name)


def _wrap_seaborn_now() -> None:
    try:
        import seaborn
        import seaborn.rcmod as rcmod
    except ImportError:  # pragma: no cover
        return
    for owner in (seaborn, rcmod):
        for name in ("set_theme", "set", "set_style", "set_context", "reset_defaults", "reset_orig"):
            fn = getattr(owner, name, None)
            if fn is None or getattr(fn, "_course_wrapped", False):
                continue

            @functools.wraps(fn)
            def wrapper(*args, __fn=fn, **kwargs):
                result = __fn(*args, **kwargs)
                _apply_rc()
                return result

            wrapper._course_wrapped = True
            setattr(owner, name, wrapper)


def use_chinese_font() -> str:
    """Register the bundled CJK font and make it the first sans-serif choice.

    Idempotent; safe to call in every notebook.  Returns the font's name.
    """
    path = font_path()
    known = {f.fname for f in font_manager.fontManager.ttflist}
    if str(path) not in known:
        font_manager.fontManager.addfont(str(path))
    _apply_rc()
    _wrap_seaborn()
    return FONT_NAME
