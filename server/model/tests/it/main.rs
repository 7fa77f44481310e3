//! The model crate's integration tests, one binary: the engine on the real
//! default model, fetching, LoRA adapters, the OpenAI-compatible backend
//! (against a scripted peer and llama-cpp-python's real server).

mod model_engine;
mod model_fetch;
mod model_lora;
mod model_remote;
mod model_remote_support;
mod model_support;
mod shared_server;
