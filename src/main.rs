fn main() -> std::process::ExitCode {
    cclab::cli::main(cclab::algorithms::Registry::with_builtins())
}
