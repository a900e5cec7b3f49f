"""PhiDesk: offline desktop chat with small language models through onnxruntime-genai."""

__version__ = "0.1.0"
