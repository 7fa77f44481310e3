//! The local language model: catalog, fetching, the inference engine and its cache.
