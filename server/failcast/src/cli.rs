//! The command line: `failcast lsp` for editors, `failcast check` for review
//! and CI, `failcast index` to see the function index, and the model
//! commands. Each command is a thin wrapper over the core.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{self, CheckOptions};
use failcast_core::config::Config;

#[derive(Parser)]
#[command(
    name = "failcast",
    version,
    about = "Predicts how code will fail in production, before it ships",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Run the language server on stdio (what VS Code passes).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server over stdio.
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
        /// Write logs to this file instead of stderr.
        #[arg(long)]
        log_file: Option<PathBuf>,
    },
    /// Predict failures in files or directories, without an editor.
    Check {
        #[command(flatten)]
        run: RunArgs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// List every function in JSON output, also those without scenarios.
        #[arg(long)]
        all_functions: bool,
        /// Exit with status 1 when a finding of this kind or worse is reported.
        #[arg(long, value_enum, default_value_t = FailOnArg::Never)]
        fail_on: FailOnArg,
    },
    /// Emit the predicted failures' logs and exceptions as OpenTelemetry
    /// log records, for staging collectors and alert tests.
    SynthLogs {
        #[command(flatten)]
        run: RunArgs,
        #[arg(long, value_enum, default_value_t = LogFormat::OtlpJson)]
        format: LogFormat,
    },
    /// Score predictions against the real-bug benchmark laid out by
    /// `scripts/realbugs.py fetch`: recall@1, recall@3 and paired accuracy
    /// per split, language and class.
    Eval {
        /// The laid-out cases (default: target/realbugs).
        #[arg(default_value = "target/realbugs")]
        dir: PathBuf,
        /// Only this split (`dev` to tune on, `test` to report on).
        #[arg(long)]
        split: Option<String>,
        /// Only this language.
        #[arg(long)]
        language: Option<String>,
        /// Ask this model (catalog name or GGUF path); the model is off by default.
        #[arg(long)]
        model: Option<String>,
        /// How much the model's ranking counts (0 to 1; default: `model.rank_weight`, else the model's own).
        #[arg(long, value_name = "WEIGHT")]
        rank_weight: Option<f32>,
        /// Threads the model decodes on (default: half the cores).
        #[arg(long)]
        threads: Option<u32>,
        /// Print every case's outcome.
        #[arg(long)]
        cases: bool,
        /// Also write the run, every case included, as JSON to this file.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Instead of cases, count what is reported per 100 lines of the
        /// clean-code corpora in this folder (`scripts/realbugs.py noise`).
        #[arg(long, value_name = "DIR")]
        noise: Option<PathBuf>,
        /// Instead of scoring, write a test for every prediction in the top
        /// three of each case's function and run it on the before and after
        /// files; DIR may also hold `<language>/buggy` and `fixed` projects
        /// (tests/fixtures/repro). `--cases` prints every prediction.
        #[arg(long)]
        repro: bool,
        /// With --repro: also the broad candidates that reach a function's
        /// top three (as recall counts them), not only its scenarios.
        #[arg(long, requires = "repro")]
        with_candidates: bool,
        /// With --json: every scenario and candidate of each case's function,
        /// before and after, with its rule and likelihood (what
        /// `scripts/rank_study.py` re-ranks offline).
        #[arg(long, requires = "json")]
        pool: bool,
    },
    /// Fetch, list or locate models.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
    /// Check the model: found, checksum, loads, speed; and what to do if not.
    Doctor {
        /// A catalog name or a GGUF path (default: the configured model).
        #[arg(long)]
        model: Option<String>,
        /// Skip loading the model and measuring its speed.
        #[arg(long)]
        quick: bool,
    },
    /// Print the function index of files or directories.
    Index { paths: Vec<PathBuf> },
    /// Read production logs, traces and incident documents into the corpus.
    Ingest {
        /// Files or directories; `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The service of records that do not name one.
        #[arg(long)]
        service: Option<String>,
        #[arg(long, value_enum, default_value_t = CorpusFormat::Human)]
        format: CorpusFormat,
    },
    /// The corpus database: its schema and what it holds.
    Corpus {
        #[command(subcommand)]
        command: CorpusCommand,
    },
    /// Precision and recall of past predictions against production failures.
    Report {
        #[arg(long, value_enum, default_value_t = CorpusFormat::Human)]
        format: CorpusFormat,
    },
    /// Write training pairs (function → real failure) for a LoRA adapter.
    ExportTraining {
        #[arg(long, value_enum, default_value_t = TrainingFormat::ChatmlJsonl)]
        format: TrainingFormat,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CorpusCommand {
    /// Create the corpus schema, or migrate it to this version's (safe to
    /// run from several machines at once).
    Migrate,
    /// Where the corpus is (password redacted), its schema version and row counts.
    Stats {
        #[arg(long, value_enum, default_value_t = CorpusFormat::Human)]
        format: CorpusFormat,
    },
    /// Time the lookups the editor makes (a file's failures, full-text
    /// retrieval) on this corpus: p50, p95 and max.
    Latency {
        #[arg(long, default_value_t = 200)]
        queries: usize,
        #[arg(long, value_enum, default_value_t = CorpusFormat::Human)]
        format: CorpusFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TrainingFormat {
    ChatmlJsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum CorpusFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Download a model into the cache (default: the default model), with a sha256 check.
    Fetch { name: Option<String> },
    /// List the catalog and what is installed.
    List,
    /// Print the path of a model file.
    Path { name: Option<String> },
}

/// What `check` and `synth-logs` share: which code, and how.
#[derive(clap::Args)]
struct RunArgs {
    /// Files or directories (default: the current directory).
    paths: Vec<PathBuf>,
    /// Only functions changed (by content hash) between this git revision
    /// and the working tree.
    #[arg(long, value_name = "REV")]
    diff: Option<String>,
    /// Static predictions only: do not start the model.
    #[arg(long)]
    no_model: bool,
    /// Seconds the model may work (answers from its cache cost none); the
    /// functions left keep their static predictions, and a re-run goes
    /// further. 0: ask about every function, however long it takes.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    model_budget: u64,
    /// Neither read nor write the analysis cache (`.failcast/cache`).
    #[arg(long)]
    no_cache: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOnArg {
    Latent,
    Manifest,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// An OTLP/JSON `ExportLogsServiceRequest`, as collectors accept it.
    OtlpJson,
    /// One OTLP log record per line.
    Jsonl,
}

/// How a command ended, as the process's exit status. The numbers are the
/// README's ("Exit codes" under `failcast check`): CI scripts branch on
/// them, so two meanings share 1 and they never change. Bad flags exit 2
/// from clap itself, before any command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked; for `check`, nothing reached
    /// `--fail-on`.
    Success,
    /// 1: the answer is the one asked to fail on: `check` reported a
    /// scenario at or above `--fail-on`, or `doctor` found a problem.
    Findings,
    /// 1: the command could not finish: the corpus or the model could not
    /// be used, the output could not be written, the runtime did not
    /// start, or the language server's client exited without `shutdown`.
    Failed,
    /// 2: the command was asked for something that is not there: a path
    /// that does not exist, a `--diff` that is not a revision, an unknown
    /// model, no corpus yet, a benchmark that is not laid out.
    Usage,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Findings | Exit::Failed => 1,
            Exit::Usage => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// Runs the CLI and says how it ended.
pub fn main() -> Exit {
    let cli = Cli::parse();
    let command = match (cli.stdio, cli.command) {
        (_, Some(command)) => command,
        (true, None) => Command::Lsp {
            stdio: true,
            log_file: None,
        },
        (false, None) => {
            eprintln!("failcast: a command is needed; try `failcast --help`");
            return Exit::Usage;
        }
    };
    match command {
        Command::Lsp { log_file, .. } => lsp(log_file),
        Command::Check {
            run,
            format,
            all_functions,
            fail_on,
        } => {
            failcast_core::logging::init(None, "warn");
            check_command(run, format, all_functions, fail_on)
        }
        Command::SynthLogs { run, format } => {
            failcast_core::logging::init(None, "warn");
            synth_logs_command(run, format)
        }
        Command::Eval {
            dir,
            split,
            language,
            model,
            rank_weight,
            threads,
            cases,
            json,
            noise,
            repro,
            with_candidates,
            pool,
        } => {
            failcast_core::logging::init(None, "warn");
            if repro {
                return match crate::repro::run(&dir, language.as_deref(), cases, with_candidates) {
                    Ok(table) => {
                        print!("{table}");
                        Exit::Success
                    }
                    Err(err) => {
                        eprintln!("failcast eval: {err}");
                        Exit::Usage
                    }
                };
            }
            if let Some(dir) = noise {
                return match crate::eval::noise(&dir) {
                    Ok(rows) => {
                        print!("{}", crate::eval::render_noise(&rows));
                        Exit::Success
                    }
                    Err(err) => {
                        eprintln!("failcast eval: {err}");
                        Exit::Usage
                    }
                };
            }
            let options = crate::eval::EvalOptions {
                dir,
                split,
                language,
                model,
                rank_weight,
                threads,
                pool,
            };
            eval_command(&options, cases, json)
        }
        Command::Model { command } => {
            failcast_core::logging::init(None, "warn");
            model_command(command)
        }
        Command::Doctor { model, quick } => {
            failcast_core::logging::init(None, "error");
            doctor_command(model, quick)
        }
        Command::Index { paths } => {
            failcast_core::logging::init(None, "warn");
            index_command(paths)
        }
        Command::Ingest {
            paths,
            service,
            format,
        } => {
            failcast_core::logging::init(None, "warn");
            ingest_command(paths, service, format)
        }
        Command::Report { format } => {
            failcast_core::logging::init(None, "warn");
            report_command(format)
        }
        Command::Corpus { command } => {
            failcast_core::logging::init(None, "warn");
            corpus_command(command)
        }
        Command::ExportTraining { format, output } => {
            failcast_core::logging::init(None, "warn");
            export_command(format, output)
        }
    }
}

fn eval_command(options: &crate::eval::EvalOptions, cases: bool, json: Option<PathBuf>) -> Exit {
    let run = match crate::eval::run(options) {
        Ok(run) => run,
        Err(err) => {
            eprintln!("failcast eval: {err}");
            return Exit::Usage;
        }
    };
    if cases {
        print!("{}", crate::eval::render_cases(&run));
        println!();
    }
    print!("{}", crate::eval::render_table(&run));
    if let Some(path) = json {
        let written = serde_json::to_string_pretty(&run)
            .map_err(|err| err.to_string())
            .and_then(|text| std::fs::write(&path, text).map_err(|err| err.to_string()));
        if let Err(err) = written {
            eprintln!("failcast eval: cannot write {}: {err}", path.display());
            return Exit::Failed;
        }
    }
    Exit::Success
}

fn lsp(log_file: Option<PathBuf>) -> Exit {
    if let Some(problem) = failcast_core::logging::init(log_file.as_deref(), "info") {
        tracing::warn!("{problem}");
    }
    std::panic::set_hook(Box::new(|info| {
        // With RUST_BACKTRACE set, where it happened goes to the log too.
        let backtrace = std::backtrace::Backtrace::capture();
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            tracing::error!("panic: {info}\n{backtrace}");
        } else {
            tracing::error!("panic: {info}");
        }
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("failcast-lsp")
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("failcast: cannot start the async runtime: {err}");
            return Exit::Failed;
        }
    };
    let code = runtime.block_on(crate::lsp::serve_stdio());
    // Handlers may still hold blocking tasks (a scan); do not wait for them.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    if code == 0 {
        Exit::Success
    } else {
        Exit::Failed
    }
}

/// The directory paths are reported relative to.
fn base_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// A finished run of the core over the paths, ready to render.
struct Run {
    report: check::CheckReport,
    config: Config,
    base: PathBuf,
}

/// Analyses the paths (only changed functions with `--diff`) and asks the
/// model; `ready` sees each file once it is final, in path order, while
/// the rest is still worked on. `Err` holds the exit status after the
/// message was printed.
fn run_check(args: RunArgs, ready: &mut dyn FnMut(&check::CheckedFile)) -> Result<Run, Exit> {
    let paths = if args.paths.is_empty() {
        vec![base_dir()]
    } else {
        args.paths
    };
    let base = failcast_core::workspace::workspace_root(&paths[0]);
    let (mut config, mut errors) = Config::load(&base);
    errors.extend(config.apply_env());
    for error in &errors {
        eprintln!("failcast: {error}");
    }
    for path in &paths {
        if !path.exists() {
            eprintln!("failcast: {} does not exist", path.display());
            return Err(Exit::Usage);
        }
    }
    let files = check::files_under(&paths, &base, &config);
    let baseline = match &args.diff {
        Some(rev) => match crate::diff::baseline(&base, rev, &files) {
            Ok(baseline) => Some(baseline),
            Err(err) => {
                eprintln!("failcast: {err}");
                return Err(Exit::Usage);
            }
        },
        None => None,
    };
    // Only a workspace that has a corpus (`failcast ingest` made one) gets
    // history and has its predictions recorded; a broken one costs a warning.
    let location =
        failcast_corpus::Location::resolve(&base, &config.corpus_path, &config.corpus_url);
    let corpus = match failcast_corpus::Corpus::open_existing_at(
        &location,
        failcast_corpus::Timeouts::CLI,
    ) {
        Ok(corpus) => corpus,
        Err(err) => {
            eprintln!("failcast: {err:#}; continuing without production history");
            None
        }
    };
    let history = corpus
        .as_ref()
        .map(|c| check::load_history(c, &files))
        .unwrap_or_default();
    let progress = progress_bar();
    let options = CheckOptions {
        config: config.clone(),
        base: base.clone(),
        loose_files: !failcast_core::workspace::is_project(&base)
            && paths.iter().all(|p| p.is_file()),
        baseline,
        history,
        model_budget: (args.model_budget > 0)
            .then(|| std::time::Duration::from_secs(args.model_budget)),
    };
    // The check cache does not know the corpus: with one, analyse afresh.
    let cache = (!args.no_cache && corpus.is_none())
        .then(|| crate::check_cache::CheckCache::open(&base, &config));
    let outcome = check::check(
        files,
        &options,
        corpus.as_ref(),
        cache.as_ref(),
        !args.no_model,
        &|done, total, what| {
            progress.set_length(total as u64);
            progress.set_position(done as u64);
            progress.set_message(what);
        },
        &mut |file| progress.suspend(|| ready(file)),
    );
    progress.finish_and_clear();
    if let Some(run) = &outcome.model {
        if let Some(reason) = &run.unavailable {
            eprintln!(
                "failcast: the model is unavailable ({reason}); static predictions only. Run `failcast model fetch` or `failcast doctor`."
            );
        } else if run.submitted > 0 {
            eprintln!(
                "failcast: model {} answered for {} of {} functions ({} from cache, {} decode steps)",
                config
                    .model
                    .path
                    .as_ref()
                    .map_or(config.model.name.clone(), |p| p.display().to_string()),
                run.answered,
                run.submitted,
                run.from_cache,
                run.decode_steps
            );
            if run.skipped > 0 {
                eprintln!(
                    "failcast: the model's budget of {} s ran out; static predictions only for {} function{} in {} file{}. Run again to go further (answers are cached), or pass --model-budget 0.",
                    args.model_budget,
                    run.skipped,
                    if run.skipped == 1 { "" } else { "s" },
                    run.unasked.len(),
                    if run.unasked.len() == 1 { "" } else { "s" },
                );
            }
        }
    }
    let report = outcome.report;
    if let Some(corpus) = &corpus
        && let Err(err) = check::record_predictions(&report, corpus)
    {
        eprintln!("failcast: cannot record predictions in the corpus: {err:#}");
    }
    for (path, why) in &report.skipped {
        eprintln!("failcast: skipped {}: {why}", path.display());
    }
    Ok(Run {
        report,
        config,
        base,
    })
}

/// A progress bar on stderr when it is a terminal; hidden otherwise, so
/// CI logs and pipes stay clean.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg:>8} [{bar:30}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Writes `text`; a closed pipe (`| head`) is not an error worth a message.
fn write_out(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Exit> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => {
            eprintln!("failcast: cannot write the report: {err}");
            Err(Exit::Failed)
        }
    }
}

fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|err| match err.io_error_kind() {
            Some(kind) => std::io::Error::from(kind),
            None => std::io::Error::other(err),
        })
        .and_then(|()| out.write_all(b"\n"))
}

fn check_command(args: RunArgs, format: Format, all_functions: bool, fail_on: FailOnArg) -> Exit {
    // Human output goes out file by file, as each is final: with the model
    // on, the first file's predictions show long before the last is done.
    // JSON and SARIF are one document each, written at the end.
    let color = stdout_is_tty();
    let mut streamed = Ok(());
    let mut ready = |file: &check::CheckedFile| {
        if matches!(format, Format::Human) && streamed.is_ok() {
            streamed = write_out(|out| out.write_all(check::human_file(file, color).as_bytes()));
        }
    };
    let Run {
        report,
        config,
        base,
    } = match run_check(args, &mut ready) {
        Ok(run) => run,
        Err(exit) => return exit,
    };
    if let Err(exit) = streamed {
        return exit;
    }
    let written = write_out(|out| match format {
        Format::Human => out.write_all(check::human_summary(&report, color).as_bytes()),
        Format::Json => write_json(out, &check::json_report(&report, all_functions)),
        Format::Sarif => write_json(out, &crate::sarif::sarif_report(&report, &config, &base)),
    });
    if let Err(exit) = written {
        return exit;
    }
    let fail_on = match fail_on {
        FailOnArg::Latent => check::FailOn::Latent,
        FailOnArg::Manifest => check::FailOn::Manifest,
        FailOnArg::Never => check::FailOn::Never,
    };
    if report.failing(fail_on) > 0 {
        Exit::Findings
    } else {
        Exit::Success
    }
}

fn synth_logs_command(args: RunArgs, format: LogFormat) -> Exit {
    let Run {
        report,
        config,
        base,
    } = match run_check(args, &mut |_| {}) {
        Ok(run) => run,
        Err(exit) => return exit,
    };
    let service = crate::synth_logs::service_name(&config, &base);
    let request = crate::synth_logs::export_request(&report, &service);
    let written = write_out(|out| match format {
        LogFormat::OtlpJson => write_json(out, &request),
        LogFormat::Jsonl => {
            for line in crate::synth_logs::one_per_line(&request) {
                serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
    });
    match written {
        Ok(()) => Exit::Success,
        Err(exit) => exit,
    }
}

fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn index_command(paths: Vec<PathBuf>) -> Exit {
    let paths = if paths.is_empty() {
        vec![base_dir()]
    } else {
        paths
    };
    let base = failcast_core::workspace::workspace_root(&paths[0]);
    let (config, _) = Config::load(&base);
    let files = check::files_under(&paths, &base, &config);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in files {
        let Some(source) = failcast_core::workspace::read_source(&file.path) else {
            continue;
        };
        let rope = ropey::Rope::from_str(&source.text);
        let Some(tree) = failcast_core::syntax::parse_rope(file.language, &rope, None) else {
            continue;
        };
        // The functions analysis sees, those of macro bodies included.
        let tree = failcast_core::macro_bodies::with_macro_bodies(file.language, tree, &rope);
        let index =
            failcast_core::functions::index_functions(file.language, &tree, &rope, &file.relative);
        for function in &index.functions {
            if writeln!(
                out,
                "{}\t{:?}\tL{}-{}\t{:016x}",
                function.id,
                function.kind,
                function.start_line + 1,
                function.end_line + 1,
                function.content_hash
            )
            .is_err()
            {
                return Exit::Success;
            }
        }
    }
    Exit::Success
}

fn model_command(command: ModelCommand) -> Exit {
    use failcast_model::{catalog, fetch};
    match command {
        ModelCommand::Fetch { name } => match fetch::fetch_command(name.as_deref()) {
            Ok(path) => {
                println!("{}", path.display());
                Exit::Success
            }
            Err(err) => {
                eprintln!("failcast: {err:#}");
                Exit::Failed
            }
        },
        ModelCommand::List => {
            for entry in catalog::CATALOG {
                let path = fetch::model_path(entry);
                let installed = if path.exists() {
                    "installed"
                } else {
                    "not installed"
                };
                let default = if entry.name == catalog::DEFAULT_MODEL {
                    " (default)"
                } else {
                    ""
                };
                println!(
                    "{:<22} {:>6} MB  {installed}{default}\n    {}",
                    entry.name,
                    entry.size / 1_000_000,
                    entry.description
                );
            }
            Exit::Success
        }
        ModelCommand::Path { name } => {
            let name = name.as_deref().unwrap_or(catalog::DEFAULT_MODEL);
            match catalog::find(name) {
                Some(entry) => {
                    println!("{}", fetch::model_path(entry).display());
                    Exit::Success
                }
                None => {
                    eprintln!("failcast: unknown model {name:?}");
                    Exit::Usage
                }
            }
        }
    }
}

fn doctor_command(model: Option<String>, quick: bool) -> Exit {
    let base = failcast_core::workspace::workspace_root(&base_dir());
    let (config, _) = Config::load(&base);
    let model = model.or_else(|| {
        Some(
            config
                .model
                .path
                .as_ref()
                .map_or(config.model.name.clone(), |p| p.display().to_string()),
        )
    });
    let report = failcast_model::doctor::diagnose(&failcast_model::doctor::DoctorOptions {
        model,
        measure_speed: !quick,
        n_threads: (config.model.threads > 0).then_some(config.model.threads as usize),
        server: failcast_model::predict::engine_config(&config.model)
            .ok()
            .and_then(|engine| engine.remote),
    });
    println!("{report}");
    if report.is_healthy() {
        Exit::Success
    } else {
        Exit::Findings
    }
}

/// The workspace of the current directory and its corpus: the SQLite file,
/// or PostgreSQL when `FAILCAST_CORPUS_URL` or `[corpus] url` says so.
fn corpus_location() -> (PathBuf, failcast_corpus::Location) {
    let base = failcast_core::workspace::workspace_root(&base_dir());
    let (config, errors) = Config::load(&base);
    for error in &errors {
        eprintln!("failcast: {error}");
    }
    let location =
        failcast_corpus::Location::resolve(&base, &config.corpus_path, &config.corpus_url);
    (base, location)
}

fn ingest_command(paths: Vec<PathBuf>, service: Option<String>, format: CorpusFormat) -> Exit {
    use failcast_corpus::{Corpus, ingest};
    let (root, location) = corpus_location();
    let mut corpus = match Corpus::create(&location, failcast_corpus::Timeouts::CLI) {
        Ok(corpus) => corpus,
        Err(err) => {
            eprintln!("failcast: {err:#}");
            return Exit::Failed;
        }
    };
    let options = ingest::IngestOptions { root, service };
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let files: Vec<PathBuf> = paths.into_iter().filter(|p| p.as_os_str() != "-").collect();
    let mut total = ingest::IngestStats::default();
    let mut runs = Vec::new();
    // On a terminal only: the occurrences of the document being written.
    let bar = progress_bar();
    let progress = |p: ingest::Progress| {
        bar.set_message(p.document.to_owned());
        bar.set_length(p.occurrences);
        bar.set_position(p.written);
    };
    if !files.is_empty() {
        runs.push(ingest::ingest_paths_with_progress(
            &mut corpus,
            &files,
            &options,
            &progress,
        ));
    }
    if stdin {
        runs.push(ingest::ingest_stdin_with_progress(
            &mut corpus,
            std::io::stdin().lock(),
            &options,
            &progress,
        ));
    }
    bar.finish_and_clear();
    for run in runs {
        match run {
            Ok(stats) => {
                total.documents += stats.documents;
                total.unchanged += stats.unchanged;
                total.bytes += stats.bytes;
                total.lines += stats.lines;
                total.events += stats.events;
                total.failures += stats.failures;
                total.duplicates += stats.duplicates;
                total.mapped += stats.mapped;
                total.malformed += stats.malformed;
                total.recoded += stats.recoded;
                total.templates += stats.templates;
                total.seconds += stats.seconds;
            }
            Err(err) => {
                eprintln!("failcast: {err:#}");
                return Exit::Failed;
            }
        }
    }
    match format {
        CorpusFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&total).unwrap_or_default()
        ),
        CorpusFormat::Human => {
            println!(
                "ingested {} document{} ({} unchanged): {} lines, {} events, {} new failure occurrence{} ({} already known, {} mapped to workspace functions), {} templates",
                total.documents,
                if total.documents == 1 { "" } else { "s" },
                total.unchanged,
                total.lines,
                total.events,
                total.failures,
                if total.failures == 1 { "" } else { "s" },
                total.duplicates,
                total.mapped,
                total.templates
            );
            if total.malformed > 0 || total.recoded > 0 {
                println!(
                    "{} malformed line{} skipped, {} non-UTF-8 line{} read as Latin-1",
                    total.malformed,
                    if total.malformed == 1 { "" } else { "s" },
                    total.recoded,
                    if total.recoded == 1 { "" } else { "s" }
                );
            }
            println!("{:.0} lines/s into {location}", total.lines_per_second());
        }
    }
    Exit::Success
}

fn open_existing_corpus() -> Result<(PathBuf, failcast_corpus::Corpus), Exit> {
    let (root, location) = corpus_location();
    open_corpus_at(&location).map(|corpus| (root, corpus))
}

/// The corpus at `location` if it exists; `Err` holds the exit status after
/// the message was printed.
fn open_corpus_at(location: &failcast_corpus::Location) -> Result<failcast_corpus::Corpus, Exit> {
    match failcast_corpus::Corpus::open_existing_at(location, failcast_corpus::Timeouts::CLI) {
        Ok(Some(corpus)) => Ok(corpus),
        Ok(None) => {
            eprintln!("failcast: no corpus at {location}; run `failcast ingest` first");
            Err(Exit::Usage)
        }
        Err(err) => {
            eprintln!("failcast: {err:#}");
            Err(Exit::Failed)
        }
    }
}

fn corpus_command(command: CorpusCommand) -> Exit {
    let (_, location) = corpus_location();
    match command {
        CorpusCommand::Migrate => {
            match failcast_corpus::Corpus::create(&location, failcast_corpus::Timeouts::CLI)
                .and_then(|corpus| corpus.schema_version())
            {
                Ok(version) => {
                    println!("corpus at {location}: schema version {version}");
                    Exit::Success
                }
                Err(err) => {
                    eprintln!("failcast: {err:#}");
                    Exit::Failed
                }
            }
        }
        CorpusCommand::Latency { queries, format } => {
            let corpus = match open_corpus_at(&location) {
                Ok(corpus) => corpus,
                Err(exit) => return exit,
            };
            match failcast_corpus::latency::measure(&corpus, queries) {
                Ok(latency) => {
                    match format {
                        CorpusFormat::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&latency).unwrap_or_default()
                        ),
                        CorpusFormat::Human => {
                            for (name, p) in [
                                ("failures_in", &latency.failures_in),
                                ("similar", &latency.similar),
                            ] {
                                println!(
                                    "{name}: {} queries, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({location})",
                                    p.queries, p.p50_ms, p.p95_ms, p.max_ms
                                );
                            }
                        }
                    }
                    Exit::Success
                }
                Err(err) => {
                    eprintln!("failcast: {err:#}");
                    Exit::Failed
                }
            }
        }
        CorpusCommand::Stats { format } => {
            let corpus = match open_corpus_at(&location) {
                Ok(corpus) => corpus,
                Err(exit) => return exit,
            };
            let stats = corpus
                .schema_version()
                .and_then(|version| Ok((version, corpus.table_counts()?)));
            match stats {
                Ok((version, counts)) => {
                    match format {
                        CorpusFormat::Json => println!(
                            "{}",
                            serde_json::json!({
                                "location": location.to_string(),
                                "backend": if location.is_remote() { "postgres" } else { "sqlite" },
                                "schema_version": version,
                                "counts": counts,
                            })
                        ),
                        CorpusFormat::Human => println!(
                            "corpus at {location} (schema version {version}): {} failures ({} occurrences, {} frames), {} templates, {} sources, {} predictions",
                            counts.failures,
                            counts.occurrences,
                            counts.frames,
                            counts.templates,
                            counts.sources,
                            counts.predictions
                        ),
                    }
                    Exit::Success
                }
                Err(err) => {
                    eprintln!("failcast: {err:#}");
                    Exit::Failed
                }
            }
        }
    }
}

fn report_command(format: CorpusFormat) -> Exit {
    let (root, corpus) = match open_existing_corpus() {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    match failcast_corpus::feedback::report(&corpus, &root) {
        Ok(report) => {
            match format {
                CorpusFormat::Human => print!("{}", failcast_corpus::feedback::human(&report)),
                CorpusFormat::Json => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&report).unwrap_or_default()
                    )
                }
            }
            Exit::Success
        }
        Err(err) => {
            eprintln!("failcast: {err:#}");
            Exit::Failed
        }
    }
}

fn export_command(format: TrainingFormat, output: Option<PathBuf>) -> Exit {
    let (root, corpus) = match open_existing_corpus() {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let TrainingFormat::ChatmlJsonl = format;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(std::io::BufWriter::new(file)),
            Err(err) => {
                eprintln!("failcast: cannot create {}: {err}", path.display());
                return Exit::Failed;
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    match crate::training::chatml_jsonl(&corpus, &root, &mut out).and_then(|n| {
        out.flush()?;
        Ok(n)
    }) {
        Ok(n) => {
            eprintln!(
                "failcast: wrote {n} training pair{}",
                if n == 1 { "" } else { "s" }
            );
            Exit::Success
        }
        Err(err) => {
            eprintln!("failcast: {err:#}");
            Exit::Failed
        }
    }
}
