"""oro-ai: local LLMs (llama.cpp) behind an OpenAI-compatible API at /ai/llama."""
