"""The real multilingual USE encoder through sentence-transformers."""
import numpy as np
import pytest

from reportqa.embedding import Encoder
from reportqa.errors import ModelError


def test_vectors_are_512d_and_normalised(encoder):
    vecs = encoder.encode(["2024年化解了多少矛盾纠纷？", "How many disputes were mediated?"])
    assert vecs.shape == (2, 512) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_english_question_is_closer_to_its_chinese_answer(encoder):
    q, right, wrong = encoder.encode(["How many disputes were mediated in 2024?",
                                      "全年累计排查化解各类矛盾纠纷230件", "群众满意度达到98%以上"])
    assert q @ right > q @ wrong + 0.1


def test_a_missing_model_directory_names_the_setting(tmp_path):
    with pytest.raises(ModelError, match="REPORTQA_MODEL"):
        Encoder(str(tmp_path / "bge-m3"))


def test_a_directory_that_is_not_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="cannot load"):
        Encoder(str(tmp_path))


def test_the_hub_is_never_tried():
    import os

    import reportqa  # noqa: F401

    assert os.environ["HF_HUB_OFFLINE"] == "1"
