"""PhiDesk: offline desktop chat with small language models through onnxruntime-genai."""

from phidesk.privacy import quiet_environment as _quiet_environment

__version__ = "0.1.0"

# Before anything can import onnxruntime: its telemetry is read from the environment once, at load
# time, and every helper process inherits it (see phidesk.privacy).
_quiet_environment()
