# JupyterHub configuration of a class hub: `jupyterhub -f grading/hub/jupyterhub_config.py`
# with ECOM_HUB_SETTINGS=<workspace>/hub/hub.json (written by `grading hub start`).
# Everything is decided in grading/hub/hubconfig.py.
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from grading.hub.hubconfig import HubSettings, configure  # noqa: E402

configure(get_config(), HubSettings.load(os.environ["ECOM_HUB_SETTINGS"]))  # noqa: F821
