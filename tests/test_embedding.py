"""The real multilingual USE encoder: called directly, the same vectors as through sentence-transformers."""
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


TEXTS = ["2024年化解了多少矛盾纠纷？", "How many disputes were mediated in 2024?", "全年累计排查化解各类矛盾纠纷230件",
         "调解成功率达到97%以上", "群众满意度达到98%以上", "发布时间:2025年03月28日", "法治政府建设存在哪些不足？"]


def test_the_packaged_weights_called_directly_give_the_sentence_transformers_vectors(encoder):
    from reportqa.embedding import sentence_transformer

    model = sentence_transformer()
    through_st = model.encode(TEXTS, batch_size=3, normalize_embeddings=True, convert_to_numpy=True)
    assert encoder.st is None  # the default never imports torch's model classes to answer
    assert np.allclose(encoder.encode(TEXTS), through_st, atol=1e-5)


def test_one_encoder_serves_many_threads_at_once(encoder):
    from concurrent.futures import ThreadPoolExecutor

    alone = {t: encoder.encode([t])[0] for t in TEXTS}
    asks = [TEXTS[i % len(TEXTS)] for i in range(140)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda t: encoder.encode([t])[0], asks))
    assert all(np.allclose(v, alone[t], atol=1e-6) for t, v in zip(asks, together))
