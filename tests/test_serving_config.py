"""The served page's Streamlit settings that the load figures depend on."""

import tomllib
from pathlib import Path

from streamlit import config

CONFIG = Path(__file__).parents[1] / ".streamlit" / "config.toml"


def test_no_full_garbage_collection_after_each_run() -> None:
    # A full gc.collect(2) per run costs ~100 ms of CPU under the GIL (benchmarks/LOAD.md).
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False


def test_every_runner_setting_is_one_streamlit_knows() -> None:
    # A renamed option would be ignored silently by Streamlit: the figures would quietly regress.
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    known = set(config._config_options_template)  # Streamlit's own table of options
    for section, values in settings.items():
        for name, value in values.items():
            if not isinstance(value, dict):
                assert f"{section}.{name}" in known, f"{section}.{name} is not a Streamlit option"
