"""reportqa: exact, cited answers from Chinese government reports, fully offline."""
import os

# Nothing may be downloaded at run time: the Hugging Face hub is never tried. Set before any
# module (gradio, sentence-transformers) imports huggingface_hub, which reads these once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
