"""Generate: every prompt and fixed phrase (``prompts``), the chat model file (``modelfile``) and the adapter over
llama.cpp (``llm``)."""
