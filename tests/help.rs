//! Help, usage errors, the global flags, completions and the man page, and what `-q` and `-v`
//! change: the real binary every time.

mod common;

use clap::CommandFactory;
use common::{Listener, Reply, Server, error_line, fixture_path, hookctl, run};
use serde_json::{Value, json};

/// The commands, as the definition names them.
fn commands() -> Vec<String> {
    hookctl::cli::Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect()
}

// ------------------------------------------------------------------ help and usage errors

#[test]
fn no_arguments_print_the_usage_and_the_commands_and_exit_2() {
    let (code, out, err) = run(&mut hookctl());
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(!err.starts_with("error"), "the help, not an error: {err}");
    assert!(err.contains("Usage: hookctl [OPTIONS] <COMMAND>"), "{err}");
    let listed: Vec<&str> = err
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for c in commands() {
        assert!(listed.contains(&c.as_str()), "{c} listed: {err}");
    }
}

#[test]
fn usage_mistakes_keep_clap_tips() {
    let (code, out, err) = run(hookctl().arg("lisen"));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(error_line(&err), "error: unrecognized subcommand 'lisen'");
    assert!(err.contains("tip: some similar subcommands exist: 'list', 'listen'"), "{err}");
    assert!(err.contains("\nUsage: hookctl [OPTIONS] <COMMAND>\n"), "{err}");

    let (code, _, err) = run(hookctl().args(["validate", "--kind", "eva-service", "x.json"]));
    assert_eq!(code, 2);
    assert_eq!(error_line(&err), "error: invalid value 'eva-service' for '--kind <KIND>'");
    let kinds: Vec<&str> = hookctl::catalogue::Kind::ALL.iter().map(|k| k.name()).collect();
    assert!(err.contains(&format!("[possible values: {}]", kinds.join(", "))), "{err}");
    assert!(err.contains("tip: a similar value exists: 'eva-service-request'"), "{err}");

    // A flag of another command: the usage shown is this command's.
    let (code, _, err) = run(hookctl().args(["show", "handoff-create", "--url", "http://x"]));
    assert_eq!(code, 2);
    assert_eq!(error_line(&err), "error: unexpected argument '--url' found");
    assert!(err.contains("\nUsage: hookctl show <EVENT>\n"), "{err}");

    // --help and --version are answers, on stdout, exit 0.
    for flag in ["--help", "--version"] {
        let (code, out, err) = run(hookctl().arg(flag));
        assert_eq!(code, 0, "{flag}: {err}");
        assert!(!out.is_empty() && err.is_empty(), "{flag}: {out}{err}");
    }
}

#[test]
fn unknown_names_get_one_line_with_the_name_meant() {
    for (args, line) in [
        (
            &["show", "handof-create"][..],
            "error: unknown event 'handof-create' (did you mean 'handoff-create'?); run 'hookctl list' to see them all",
        ),
        (
            &["send", "eva-servce"][..],
            "error: unknown event 'eva-servce' (did you mean 'eva-service'?); run 'hookctl list' to see them all",
        ),
    ] {
        let (code, out, err) = run(hookctl().args(args));
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert_eq!(err, format!("{line}\n"), "{args:?}");
    }
    let (code, _, err) = run(hookctl().args(["scenario", "handoff-lifecyle"]));
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: unknown scenario 'handoff-lifecyle' (did you mean 'handoff-lifecycle'?)"),
        "{err}"
    );
}

/// A line as a shell splits it: words, with '...' and "..." quoting.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => (quote, started) = (Some(c), true),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    assert!(quote.is_none(), "unbalanced quotes: {line}");
    if started {
        words.push(word);
    }
    words
}

/// The commands of the README's `sh` blocks, comments cut and spaces squeezed.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(fixture_path("README.md")).unwrap();
    let mut in_sh = false;
    let mut lines = Vec::new();
    for line in readme.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh => {
                lines.push(l.split(" #").next().unwrap().split_whitespace().collect::<Vec<_>>().join(" "))
            }
            _ => {}
        }
    }
    lines
}

#[test]
fn every_command_help_ends_with_examples_that_parse_and_the_readme_shows() {
    let readme = readme_commands();
    for c in commands() {
        for flag in ["--help", "-h"] {
            let (code, out, _) = run(hookctl().args([c.as_str(), flag]));
            assert_eq!(code, 0, "{c} {flag}");
            let (before, examples) =
                out.split_once("\nExamples:\n").unwrap_or_else(|| panic!("{c} {flag}: no Examples:\n{out}"));
            assert!(before.contains("Options:"), "{c} {flag}: Examples come after the options\n{out}");
            let lines: Vec<&str> = examples.lines().collect();
            assert!(!lines.is_empty(), "{c} {flag}: {out}");
            // Each example: what it does as a comment (when it says), then the invocation.
            for line in lines.iter().filter(|l| !l.is_empty() && !l.starts_with("  # ")) {
                assert!(
                    line.starts_with(&format!("  hookctl {c}")),
                    "{c}: every line an invocation of it or a comment: {line:?}"
                );
                // The command: what runs before a pipe or a redirection.
                let command = line.trim().split(" | ").next().unwrap().split(" > ").next().unwrap();
                let words = shell_words(command);
                if let Err(e) = hookctl::cli::try_parse_from(&words) {
                    panic!("{c}: the example {command:?} does not parse:\n{e}");
                }
                let squeezed = command.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    readme.iter().any(|r| r.contains(&squeezed)),
                    "{c}: the example {command:?} is not one the README shows"
                );
            }
        }
    }
}

#[test]
fn help_shows_the_global_flags_only_where_they_apply() {
    let help = |args: &[&str]| {
        let (code, out, err) = run(hookctl().args(args).arg("--help"));
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    let flags = ["--output", "--color", "--verbose", "--quiet", "--option-case"];
    for (command, shown) in [
        ("list", &["--output", "--color"][..]),
        ("show", &["--color"][..]),
        ("schema", &["--color"][..]),
        ("init", &["--color"][..]),
        ("completions", &[][..]),
        ("man", &[][..]),
        ("validate", &flags[..]),
        ("send", &flags[..]),
        ("scenario", &flags[..]),
        ("listen", &flags[..]),
        ("replay", &flags[..]),
        ("test", &flags[..]),
    ] {
        let out = help(&[command]);
        for flag in flags {
            assert_eq!(out.contains(flag), shown.contains(&flag), "{command} --help and {flag}:\n{out}");
        }
    }
    // hookctl's own help: the flags every position takes; --option-case belongs to commands.
    let out = help(&[]);
    assert!(out.contains("--verbose") && out.contains("--quiet") && !out.contains("--option-case"), "{out}");
}

#[test]
fn global_flags_are_refused_where_they_do_not_apply_and_taken_in_either_position_elsewhere() {
    for args in [
        &["list", "-v"][..],
        &["-q", "list"][..],
        &["completions", "bash", "-o", "json"][..],
        &["--color", "never", "man"][..],
        &["show", "handoff-create", "-o", "json"][..],
    ] {
        let (code, out, err) = run(hookctl().args(args));
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(out.is_empty(), "{args:?}: {out}");
        let line = error_line(&err);
        assert!(line.contains("does not apply to 'hookctl "), "{args:?}: {err}");
    }
    let (_, _, err) = run(hookctl().args(["list", "--quiet"]));
    assert_eq!(error_line(&err), "error: --quiet does not apply to 'hookctl list'");

    for args in [&["-o", "json", "list"][..], &["list", "-o", "json"][..]] {
        let (code, out, _) = run(hookctl().args(args));
        assert_eq!(code, 0, "{args:?}");
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
        assert_eq!(report["events"].as_array().unwrap().len(), hookctl::catalogue::EVENTS.len());
    }
    let (code, _, err) = run(hookctl().args(["-q", "-v", "validate", "x.json"]));
    assert_eq!(code, 2);
    assert_eq!(error_line(&err), "error: the argument '--quiet' cannot be used with '--verbose'");
}

#[test]
fn option_case_goes_after_the_command_or_before_it() {
    let body = json!({"option": "client"}).to_string();
    let validate = |args: &[&str]| {
        run(hookctl().args(args).args(["-", "--expected-options", "CLIENT", "-q"]).write_stdin(body.clone()))
    };
    let (code, out, _) = validate(&["validate"]);
    assert_eq!(code, 1, "exact by default: {out}");
    for args in
        [&["validate", "--option-case", "insensitive"][..], &["--option-case", "insensitive", "validate"][..]]
    {
        let (code, out, err) = validate(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert_eq!(out, "1 document checked: 1 valid, 0 invalid, 3 warnings\n", "{args:?}");
    }
    // The command's own wins over the one before it.
    let (code, _, _) = validate(&["--option-case", "insensitive", "validate", "--option-case", "exact"]);
    assert_eq!(code, 1);
    // Before a command that matches no option, it is refused, as after it.
    let (code, _, err) = run(hookctl().args(["--option-case", "insensitive", "list"]));
    assert_eq!(code, 2);
    assert_eq!(error_line(&err), "error: --option-case does not apply to 'hookctl list'");
    let (code, _, err) = run(hookctl().args(["list", "--option-case", "insensitive"]));
    assert_eq!(code, 2);
    assert_eq!(error_line(&err), "error: unexpected argument '--option-case' found");
}

// ------------------------------------------------------------------ completions and man page

const SHELLS: [(&str, &str); 5] = [
    ("bash", "hookctl.bash"),
    ("zsh", "_hookctl"),
    ("fish", "hookctl.fish"),
    ("powershell", "hookctl.ps1"),
    ("elvish", "hookctl.elv"),
];

#[test]
fn completions_offer_the_event_scenario_and_kind_names_in_every_shell() {
    for (shell, file) in SHELLS {
        let (code, script, err) = run(hookctl().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(script.contains("validate") && script.contains("expected-options"), "{shell}");
        let names = hookctl::catalogue::EVENTS
            .iter()
            .map(|e| e.name)
            .chain(hookctl::catalogue::SCENARIOS.iter().map(|s| s.name))
            .chain(hookctl::catalogue::Kind::ALL.iter().map(|k| k.name()));
        for name in names {
            assert!(script.contains(name), "{shell} ({file}) does not offer {name}");
        }
    }
    // Where each shell offers them: for the command that takes them.
    let (_, fish, _) = run(hookctl().args(["completions", "fish"]));
    let rule = fish
        .lines()
        .find(|l| {
            l.starts_with("complete -c hookctl -n \"__fish_hookctl_using_subcommand scenario\" -f -a \"")
        })
        .unwrap_or_else(|| panic!("no rule for scenario names:\n{fish}"));
    assert!(
        rule.ends_with("handoff-lifecycle\\t'agent online, handoff created, assigned, resolved'"),
        "{rule}"
    );
    let (_, elvish, _) = run(hookctl().args(["completions", "elvish"]));
    let show = elvish.split("&'hookctl;show'= {").nth(1).unwrap().split("\n        }").next().unwrap();
    assert!(show.contains("\n            cand handoff-create 'the bot hands a user over"), "{show}");
    let (_, ps, _) = run(hookctl().args(["completions", "powershell"]));
    let send = ps.split("'hookctl;send' {").nth(1).unwrap().split("\n            break").next().unwrap();
    assert!(
        send.contains(
            "[CompletionResult]::new('eva-service', 'eva-service', [CompletionResultType]::ParameterValue,"
        ),
        "{send}"
    );
}

/// What bash completes for `words` (the last one being completed), with the committed script.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = fixture_path("completions/hookctl.bash");
    let array = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" ");
    let cword = words.len() - 1;
    let program = format!(
        "source '{}'; COMP_WORDS=({array}); COMP_CWORD={cword}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _hookctl hookctl '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words.join(" "),
        words[cword],
        words[cword - 1],
    );
    let out = std::process::Command::new("bash").args(["-c", &program]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect()
}

#[test]
fn bash_completes_names_and_only_the_flags_a_command_takes() {
    assert_eq!(bash_complete(&["hookctl", "show", "handoff-c"]), ["handoff-create", "handoff-comment"]);
    assert_eq!(bash_complete(&["hookctl", "send", "eva-"]), ["eva-answer", "eva-service"]);
    assert_eq!(
        bash_complete(&["hookctl", "scenario", "handoff-lifecycle-"]),
        ["handoff-lifecycle-reject", "handoff-lifecycle-expire"]
    );
    assert_eq!(
        bash_complete(&["hookctl", "schema", "eva-answer-r"]),
        ["eva-answer-request", "eva-answer-response"]
    );
    assert_eq!(bash_complete(&["hookctl", "man", "sc"]), ["schema", "scenario"]);
    // Flags a command does not take are not offered there.
    assert_eq!(bash_complete(&["hookctl", "completions", "--"]), ["--help"]);
    let list = bash_complete(&["hookctl", "list", "--"]);
    assert!(list.contains(&"--output".to_string()) && !list.contains(&"--verbose".to_string()), "{list:?}");
    let send = bash_complete(&["hookctl", "send", "--"]);
    for flag in ["--verbose", "--quiet", "--option-case", "--output"] {
        assert!(send.contains(&flag.to_string()), "{flag}: {send:?}");
    }
}

#[test]
fn the_man_page_renders_and_names_every_command() {
    let (code, page, err) = run(hookctl().arg("man"));
    assert_eq!(code, 0, "{err}");
    assert!(page.starts_with(".TH hookctl 1 "), "{page}");
    for c in commands() {
        assert!(page.contains(&format!("\nhookctl\\-{c}(1)\n")), "{c} missing:\n{page}");
    }
    assert!(page.contains("\n.SH \"EXIT STATUS\"\n"), "{page}");
    assert!(page.contains("\\fB\\-\\-verbose\\fR"), "the global flags: {page}");
    assert!(!page.contains("option\\-case"), "--option-case belongs to the commands' pages: {page}");
    render(&page, "hookctl");

    for c in commands() {
        let (code, page, err) = run(hookctl().args(["man", &c]));
        assert_eq!(code, 0, "{c}: {err}");
        assert!(page.starts_with(&format!(".TH hookctl-{c} 1 ")), "{c}: {page}");
        assert!(page.contains("\n.SH \"EXAMPLES\"\n"), "{c}: {page}");
        assert!(page.contains(&format!("\nhookctl {c}")), "{c}: an example of it: {page}");
        render(&page, &format!("hookctl-{c}"));
    }
    let (code, _, err) = run(hookctl().args(["man", "sned"]));
    assert_eq!(code, 2);
    assert!(err.contains("tip: a similar value exists: 'send'"), "{err}");
}

/// A section of a man page, from its `.SH` line to the next.
fn man_section<'a>(page: &'a str, title: &str) -> &'a str {
    let start = [format!("\n.SH {title}\n"), format!("\n.SH \"{title}\"\n")]
        .iter()
        .find_map(|h| page.find(h.as_str()).map(|at| at + h.len()))
        .unwrap_or_else(|| panic!("no {title} section:\n{page}"));
    let rest = &page[start..];
    &rest[..rest.find("\n.SH ").unwrap_or(rest.len())]
}

#[test]
fn the_man_page_has_an_environment_section_with_every_variable_read() {
    let (code, page, err) = run(hookctl().arg("man"));
    assert_eq!(code, 0, "{err}");
    let env = man_section(&page, "ENVIRONMENT");
    for var in ["HOOKCTL_URL", "CI", "NO_COLOR", "TERM", "CLICOLOR_FORCE", "COLUMNS", "MIMALLOC_PURGE_DELAY"]
    {
        assert!(env.contains(&format!(".TP\n\\fB{var}\\fR\n")), "{var}:\n{env}");
    }
    assert!(env.contains("\\fB${NAME} in a suite\\fR"), "{env}");
    assert!(env.contains("\\fBHTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY\\fR"), "{env}");
    assert!(env.contains("\\-\\-botpress\\-config"), "flags as typed: {env}");
    let order = |s: &str| page.find(&format!("\n.SH \"{s}\"")).unwrap();
    assert!(order("ENVIRONMENT") < order("EXIT STATUS"), "{page}");
}

#[test]
fn each_command_page_shows_the_command_as_typed_in_its_synopsis() {
    for c in commands() {
        let (code, page, err) = run(hookctl().args(["man", &c]));
        assert_eq!(code, 0, "{c}: {err}");
        let synopsis = man_section(&page, "SYNOPSIS");
        assert!(synopsis.starts_with(&format!("\\fBhookctl {c}\\fR ")), "{c}: {synopsis}");
        // The page is still hookctl-COMMAND(1), as man finds it.
        assert!(page.starts_with(&format!(".TH hookctl-{c} 1 ")), "{c}");
        assert!(man_section(&page, "NAME").starts_with(&format!("hookctl\\-{c} ")), "{c}");
    }
    let (_, page, _) = run(hookctl().arg("man"));
    assert!(man_section(&page, "SYNOPSIS").starts_with("\\fBhookctl\\fR "), "{page}");
}

#[test]
fn the_man_page_says_which_flag_reads_a_variable_and_never_its_value() {
    for c in ["send", "scenario", "replay", "test"] {
        let (code, page, err) =
            run(hookctl().args(["man", c]).env("HOOKCTL_URL", "http://user:hunter2@secret.test/hook"));
        assert_eq!(code, 0, "{err}");
        let url =
            page.split(".TP\n\\fB\\-\\-url\\fR").nth(1).unwrap_or_else(|| panic!("{c} has --url: {page}"));
        let url = &url[..url.find("\n.TP").unwrap_or(url.len())];
        assert!(
            url.contains("May also be specified with the \\fBHOOKCTL_URL\\fR environment variable"),
            "{c}: {url}"
        );
        assert!(!page.contains("hunter2") && !page.contains("secret.test"), "{c}: the value is not shown");
    }
    let (_, page, _) = run(hookctl().args(["man", "listen"]));
    assert!(!page.contains("environment variable"), "listen reads none: {page}");
}

/// Render a page with groff (every warning on, none allowed) or man, when either is here.
fn render(page: &str, name: &str) {
    use std::io::Write;
    let has = |tool: &str| {
        std::process::Command::new("bash")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let (tool, args): (&str, &[&str]) = if has("groff") {
        ("groff", &["-man", "-Tutf8", "-ww", "-P-cbou"])
    } else if has("man") {
        ("man", &["-l", "-"])
    } else {
        println!("note: neither groff nor man is installed: {name}'s page not rendered, only checked");
        return;
    };
    let mut child = std::process::Command::new(tool)
        .args(args)
        .env("MANWIDTH", "80")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(page.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let (text, warnings) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && warnings.is_empty(), "{tool} on {name}: {warnings}");
    assert!(text.contains("SYNOPSIS") && text.contains(name), "{tool} on {name}:\n{text}");
}

// ------------------------------------------------------------------ variables

#[test]
fn help_names_the_variable_each_url_flag_reads_and_never_its_value() {
    for c in ["send", "scenario", "replay", "test"] {
        for h in ["--help", "-h"] {
            let (code, out, err) =
                run(hookctl().args([c, h]).env("HOOKCTL_URL", "http://user:hunter2@secret.test/hook"));
            assert_eq!(code, 0, "{err}");
            let url = out.split("--url <URL>").nth(1).unwrap_or_else(|| panic!("{c} {h}: {out}"));
            let url = &url[..url.find("\n  -").or_else(|| url.find("\n      --")).unwrap_or(url.len())];
            assert!(url.contains("[env: HOOKCTL_URL]"), "{c} {h}: {url}");
            assert!(!out.contains("hunter2") && !out.contains("secret.test"), "{c} {h}: {out}");
        }
    }
    for c in ["listen", "validate", "show", "list"] {
        let (_, out, _) = run(hookctl().args([c, "--help"]));
        assert!(!out.contains("[env:"), "{c} reads no variable: {out}");
    }
}

/// `hitlnext.json` giving Botpress `url`, in `dir`.
fn botpress_config(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let path = dir.join("hitlnext.json");
    std::fs::write(&path, json!({"eventsWebHook": {"url": url}}).to_string()).unwrap();
    path
}

#[test]
fn hookctl_url_is_used_when_neither_url_nor_a_botpress_config_gives_one() {
    let env = ok_server();
    for args in [&["send", "agent-online"][..], &["scenario", "handoff-lifecycle"][..]] {
        let (code, out, err) = run(hookctl().args(args).env("HOOKCTL_URL", env.url()));
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert!(!err.contains("built-in receiver"), "{args:?}: {err}");
    }
    assert_eq!(env.requests().len(), 1 + 4, "agent-online, then the scenario's four steps");
    // replay too.
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("c.jsonl");
    let listener = Listener::start(&["--save", capture.to_str().unwrap()]);
    let (code, _, err) = run(hookctl().args(["send", "agent-offline", "--url", &listener.url]));
    assert_eq!(code, 0, "{err}");
    listener.stop();
    let (code, out, err) = run(hookctl().arg("replay").arg(&capture).env("HOOKCTL_URL", env.url()));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(env.requests().len(), 6);
}

#[test]
fn url_wins_over_hookctl_url() {
    let (flag, env) = (ok_server(), ok_server());
    let (code, out, err) =
        run(hookctl().args(["send", "agent-online", "--url", &flag.url()]).env("HOOKCTL_URL", env.url()));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!((flag.requests().len(), env.requests().len()), (1, 0));
    // A HOOKCTL_URL that is no url is not even read then.
    let (code, out, err) = run(hookctl()
        .args(["send", "agent-online", "--url", &flag.url()])
        .env("HOOKCTL_URL", "ftp://x.test/"));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(flag.requests().len(), 2);
}

#[test]
fn a_botpress_configs_url_wins_over_hookctl_url_and_url_over_both() {
    let (config, env, flag) = (ok_server(), ok_server(), ok_server());
    let dir = tempfile::tempdir().unwrap();
    let cfg = botpress_config(dir.path(), &config.url());
    let (code, out, err) = run(hookctl()
        .args(["send", "agent-online", "--botpress-config"])
        .arg(&cfg)
        .env("HOOKCTL_URL", env.url()));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!((config.requests().len(), env.requests().len()), (1, 0));
    let (code, out, err) = run(hookctl()
        .args(["send", "agent-online", "--url", &flag.url(), "--botpress-config"])
        .arg(&cfg)
        .env("HOOKCTL_URL", env.url()));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!((flag.requests().len(), config.requests().len(), env.requests().len()), (1, 1, 0));
}

#[test]
fn a_blank_or_unreadable_hookctl_url_is_unset() {
    use std::os::unix::ffi::OsStrExt;
    let not_text = std::ffi::OsStr::from_bytes(b"http://\xff/hook");
    for value in [std::ffi::OsStr::new(""), std::ffi::OsStr::new("  "), not_text] {
        let (code, out, err) = run(hookctl().args(["send", "agent-online"]).env("HOOKCTL_URL", value));
        assert_eq!(code, 0, "{value:?}: {out}{err}");
        assert!(err.contains("built-in receiver"), "{value:?}: {err}");
    }
    // For test, the suite's own url is used.
    let suite_url = ok_server();
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("s.toml");
    let text = format!(
        "[defaults]\nurl = \"{}\"\n\n[[case]]\nname = \"a\"\nevent = \"agent-online\"\n",
        suite_url.url()
    );
    std::fs::write(&suite, text).unwrap();
    for value in [std::ffi::OsStr::new(" "), not_text] {
        let (code, out, err) = run(hookctl().arg("test").arg(&suite).env("HOOKCTL_URL", value));
        assert_eq!(code, 0, "{value:?}: {out}{err}");
    }
    assert_eq!(suite_url.requests().len(), 2);
}

// ------------------------------------------------------------------ -q and -v

fn ok_server() -> Server {
    Server::start(|_, _| Reply::json(200, json!({"ack": "marker-7"})))
}

#[test]
fn send_quiet_keeps_the_verdict_and_what_failed() {
    let server = ok_server();
    let (code, out, _) = run(hookctl().args(["send", "handoff-create", "-q", "--url", &server.url()]));
    assert_eq!(code, 0);
    assert_eq!(out, "PASSED\n");
    let (code, out, _) =
        run(hookctl().args(["-q", "send", "handoff-tags", "--expect-status", "201", "--url", &server.url()]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "  ✗ status: expected 201, found 200 (delivery 1 of 2)\n  ✗ status: expected 201, found 200 (delivery 2 of 2)\nFAILED\n"
    );
    // An answer that breaks eva's contract: the errors, with their pointers.
    let eva = Server::start(|_, _| Reply::json(200, json!({"option": 3})));
    let (code, out, _) = run(hookctl().args(["send", "eva-service", "-q", "--url", &eva.url()]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "  ✗ contract: eva-service-response 1 error", "{out}");
    assert!(lines[1].starts_with("    ✗ /option  "), "{out}");
    assert_eq!(lines.last(), Some(&"FAILED"), "{out}");
    assert!(!out.contains("→ POST") && !out.contains("headers"), "{out}");
}

#[test]
fn send_verbose_shows_the_request_and_the_answer_in_full_with_timings() {
    let server = ok_server();
    let (code, out, _) =
        run(hookctl().args(["send", "handoff-create", "--seed", "1", "-v", "--url", &server.url()]));
    assert_eq!(code, 0, "{out}");
    let sent = server.requests()[0].json();
    // The body in full: every line of it pretty-printed, indented, after the fields that matter.
    let pretty = serde_json::to_string_pretty(&sent).unwrap();
    let shown: String = pretty.lines().map(|l| format!("    {l}\n")).collect();
    assert!(out.contains(&format!("  body in full\n{shown}")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("  attempt  1  200 OK  ") && l.ends_with(" ms")), "{out}");
    // The answer's headers and body.
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["content-type", "application/json"])
    );
    assert!(out.contains("  body in full\n    {\n      \"ack\": \"marker-7\"\n    }\n"), "{out}");
    let (_, normal, _) =
        run(hookctl().args(["send", "handoff-create", "--seed", "1", "--url", &server.url()]));
    assert!(!normal.contains("body in full") && !normal.contains("attempt"), "{normal}");
}

#[test]
fn json_output_is_the_same_whatever_the_verbosity() {
    let server = ok_server();
    let report = |flag: Option<&str>| {
        let mut cmd = hookctl();
        cmd.args(["send", "eva-service", "--seed", "4", "-o", "json", "--url", &server.url()]);
        cmd.args(flag);
        let (code, out, _) = run(&mut cmd);
        assert_eq!(code, 1, "{{\"ack\"}} is no eva answer: {out}");
        let mut v: Value = serde_json::from_str(&out).unwrap();
        // What differs from one delivery to the next.
        v["attempts"] = Value::Null;
        v["response"]["latency_ms"] = Value::Null;
        v["response"]["headers"] = Value::Null;
        v
    };
    let normal = report(None);
    assert_eq!(report(Some("-q")), normal);
    assert_eq!(report(Some("-v")), normal);
}

#[test]
fn validate_quiet_shows_only_the_invalid_and_verbose_their_fields() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = hookctl::catalogue::event("handoff-assign").unwrap().fixture();
    std::fs::write(dir.path().join("a-good.json"), fixture.to_string()).unwrap();
    let mut bad = fixture.clone();
    bad["payload"]["status"] = json!("waiting");
    std::fs::write(dir.path().join("b-bad.json"), bad.to_string()).unwrap();

    let (code, out, _) = run(hookctl().arg("validate").arg(dir.path()).arg("-q"));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].contains("b-bad.json") && lines[0].contains("invalid (1 error)"), "{out}");
    assert!(lines[1].starts_with("    ✗ /payload/status "), "{out}");
    assert_eq!(lines[3], "2 documents checked: 1 valid, 1 invalid");

    let field = |out: &str, label: &str| {
        out.lines().any(|l| l.starts_with("    ") && l.split_whitespace().next() == Some(label))
    };
    let (_, out, _) = run(hookctl().arg("validate").arg(dir.path().join("b-bad.json")));
    assert!(!field(&out, "agentThreadId"), "an invalid document's fields only under -v: {out}");
    let (_, out, _) = run(hookctl().arg("validate").arg(dir.path().join("b-bad.json")).arg("-v"));
    assert!(field(&out, "agentThreadId"), "{out}");
}

#[test]
fn scenario_and_replay_quiet_keep_the_failures_and_the_count_and_verbose_every_exchange() {
    let server = ok_server();
    let (code, out, _) = run(hookctl().args(["scenario", "handoff-lifecycle", "-q", "--url", &server.url()]));
    assert_eq!(code, 0);
    assert_eq!(out, "4/4 steps passed\n");
    let failing = Server::start(|n, _| Reply::json(if n == 1 { 500 } else { 200 }, json!({})));
    let (code, out, _) =
        run(hookctl().args(["scenario", "handoff-lifecycle", "-q", "--url", &failing.url()]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "  ✗ step 2 handoff-create: status: expected 2xx, found 500\n    POST {} → 500 Internal Server Error\n3/4 steps passed\n",
            failing.url()
        )
    );

    let (code, out, _) = run(hookctl().args(["scenario", "handoff-lifecycle", "-v", "--url", &server.url()]));
    assert_eq!(code, 0);
    let sent = server.requests();
    let steps: Vec<&str> = out.lines().filter(|l| l.starts_with("step ")).collect();
    assert_eq!(
        steps,
        ["step 1 agent-online", "step 2 handoff-create", "step 3 handoff-assign", "step 4 handoff-resolve"],
        "{out}"
    );
    let last = serde_json::to_string_pretty(&sent.last().unwrap().json()).unwrap();
    let shown: String = last.lines().map(|l| format!("    {l}\n")).collect();
    assert!(out.contains(&format!("  body\n{shown}")), "the last step's body in full: {out}");
    assert_eq!(out.matches("      \"ack\": \"marker-7\"\n").count(), 4, "every answer in full: {out}");
    assert!(out.ends_with("4/4 steps passed\n"), "the table and the count still follow: {out}");

    // replay is told the same way.
    let capture = tempfile::NamedTempFile::new().unwrap();
    let save = Listener::start(&["--save", capture.path().to_str().unwrap()]);
    let (code, _, _) = run(hookctl().args(["send", "agent-online", "--url", &save.url]));
    assert_eq!(code, 0);
    save.stop();
    let (code, out, _) =
        run(hookctl().arg("replay").arg(capture.path()).args(["-q", "--url", &server.url()]));
    assert_eq!(code, 0);
    assert_eq!(out, "1/1 steps passed\n");
}

#[test]
fn listen_quiet_prints_a_line_a_request_and_verbose_the_request_in_full() {
    let quiet = Listener::start_text(&["-q"]);
    let verbose = Listener::start_text(&["-v"]);
    for l in [&quiet, &verbose] {
        let (code, _, _) = run(hookctl().args([
            "send",
            "handoff-assign",
            "--seed",
            "2",
            "-H",
            "X-Trace: t-1",
            "--url",
            &l.url,
        ]));
        assert_eq!(code, 0);
    }
    let out = quiet.stop_text();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "a line for the request and the summary: {out}");
    assert!(lines[0].starts_with("#1 ") && lines[0].contains("botpress-event  valid"), "{out}");
    assert!(lines[1].starts_with("1 request"), "{out}");

    let out = verbose.stop_text();
    assert!(out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["x-trace", "t-1"]), "{out}");
    assert!(out.contains("\n    body\n      {\n        \"botId\": "), "the body pretty, in full: {out}");
    assert!(out.contains("\"status\": \"assigned\""), "{out}");
}

#[test]
fn test_quiet_keeps_the_failed_cases_and_the_table_and_verbose_shows_every_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("suite.toml");
    std::fs::write(
        &suite,
        "[[case]]\nname = \"passes\"\nevent = \"agent-online\"\n\n[[case]]\nname = \"fails\"\nevent = \"agent-offline\"\nexpect = { status = 201 }\n",
    )
    .unwrap();
    let server = ok_server();
    let (code, out, _) = run(hookctl().arg("test").arg(&suite).args(["-q", "--url", &server.url()]));
    assert_eq!(code, 1);
    assert!(!out.contains("passes"), "{out}");
    assert!(out.starts_with("✗ fails "), "{out}");
    assert!(out.contains("    status: expected 201, found 200\n"), "{out}");
    // The url and the status stay; the headers, bodies and curl command go.
    assert!(out.contains(&format!("    POST {} → 200 OK\n", server.url())), "{out}");
    assert!(!out.contains("←") && !out.contains("curl"), "{out}");
    assert!(out.contains("cases") && out.ends_with("FAILED\n"), "the table and the verdict: {out}");

    let (code, out, _) = run(hookctl().arg("test").arg(&suite).args(["-v", "--url", &server.url()]));
    assert_eq!(code, 1);
    let passed = out.split("✓ passes").nth(1).unwrap_or_else(|| panic!("{out}"));
    let passed = passed.split("\n✗").next().unwrap();
    assert!(passed.contains(&format!("\n    → POST {}\n", server.url())), "{out}");
    assert!(
        passed.contains("\n      {\n        \"botId\": \"support-bot\",\n"),
        "the request in full: {out}"
    );
    assert!(passed.contains("\n    ← 200 OK\n"), "{out}");
    assert!(passed.contains("\n      {\n        \"ack\": \"marker-7\"\n      }\n"), "{out}");
    assert!(passed.contains("\n    again with curl:\n      curl -X POST"), "{out}");

    // JSON keeps a passed case's exchange out, -v or not.
    let (_, out, _) =
        run(hookctl().arg("test").arg(&suite).args(["-v", "-o", "json", "--url", &server.url()]));
    let report: Value = serde_json::from_str(&out).unwrap();
    let passed = report["cases"].as_array().unwrap().iter().find(|c| c["name"] == "passes").unwrap();
    for field in ["request", "response", "url", "curl"] {
        assert!(passed.get(field).is_none(), "{field}: {passed:#}");
    }
}
