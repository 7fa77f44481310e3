//! The `failcast` binary: see `failcast::cli`.

fn main() {
    std::process::exit(failcast::cli::main());
}
