//! The zsh completion script, run in a real zsh (the Debian package): what it offers after a
//! command's positional arguments, with the committed `completions/_hookctl`.

mod common;

use common::{fixture_path, tools};

/// A zsh script that starts an interactive zsh on a pseudo-terminal (zsh's own `zpty`), loads the
/// completion function from the directory `$1`, types `$2` and a TAB, and prints each word the
/// completion offered, one a line. `compadd` is wrapped to print what it adds; the markers are
/// written split (`"<"m">"`) so that the echo of the lines typed never reads as one.
const COMPLETE: &str = r#"
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PS1='' RPROMPT=''; unsetopt beep; fpath=(${(q)1} \$fpath)"
zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z 'compadd() { if (( ${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi; local -a found; builtin compadd -A found "$@"; print -rl -- "<"m">"${^found}; builtin compadd "$@" }'
zpty -w z 'marked-complete() { zle complete-word; print -r -- "<"done">" }; zle -N marked-complete; bindkey "^I" marked-complete'
zpty -w -n z "$2"$'\t'
while zpty -r z line; do
  [[ $line == *'<done>'* ]] && break
  [[ $line == *'<m>'* ]] && print -r -- "${${line#*<m>}%%$'\r'}"
done
zpty -d z
"#;

/// What zsh offers at the end of `line`, in a directory holding `a.json` and `b.toml`; `None`
/// (the test skipped) when zsh cannot be installed.
fn zsh_complete(line: &str, test: &str) -> Option<Vec<String>> {
    let zsh = tools::ready(tools::debian("zsh", "zsh"), test)?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("complete.zsh"), COMPLETE).unwrap();
    std::fs::write(dir.path().join("a.json"), "{}").unwrap();
    std::fs::write(dir.path().join("b.toml"), "").unwrap();
    // `timeout` bounds a zsh that would wait for ever on a script that went wrong.
    let out = std::process::Command::new("timeout")
        .arg("60")
        .arg(&zsh)
        .args(["-f", "complete.zsh"])
        .arg(fixture_path("completions"))
        .arg(line)
        .current_dir(dir.path())
        .env_remove("FPATH")
        .output()
        .expect("coreutils timeout");
    assert!(out.status.success(), "{line}: {}", String::from_utf8_lossy(&out.stderr));
    let words = String::from_utf8(out.stdout).unwrap();
    let mut words: Vec<String> = words.lines().filter(|w| !w.is_empty()).map(String::from).collect();
    words.sort();
    words.dedup();
    Some(words)
}

/// The kinds `--kind` takes, in the order zsh lists them (sorted).
fn kinds() -> Vec<String> {
    let mut names: Vec<String> = hookctl::kind::Kind::ALL.iter().map(|k| k.name().to_string()).collect();
    names.sort();
    names
}

#[test]
fn zsh_completes_an_options_values_after_a_positional_of_many_values() {
    let test = "zsh_completes_an_options_values_after_a_positional_of_many_values";
    let Some(after) = zsh_complete("hookctl validate x.json --kind ", test) else { return };
    assert_eq!(after, kinds(), "the kinds, not file names");
    // Before any positional, as before.
    assert_eq!(zsh_complete("hookctl validate --kind ", test).unwrap(), kinds());
    // A word that is no option is still one more file.
    assert_eq!(zsh_complete("hookctl validate x.json ", test).unwrap(), ["a.json", "b.toml", "complete.zsh"]);
}

#[test]
fn zsh_completes_options_after_a_positional_and_only_the_commands_own() {
    let test = "zsh_completes_options_after_a_positional_and_only_the_commands_own";
    let Some(validate) = zsh_complete("hookctl validate x.json --", test) else { return };
    for flag in ["--kind", "--request", "--strict", "--quiet", "--output", "--option-case"] {
        assert!(validate.contains(&flag.to_string()), "{flag}: {validate:?}");
    }
    for flag in ["--count", "--url", "--builtin"] {
        assert!(!validate.contains(&flag.to_string()), "{flag} is not validate's: {validate:?}");
    }
    let suite = zsh_complete("hookctl test a.toml --", test).unwrap();
    for flag in ["--url", "--target", "--builtin", "--junit"] {
        assert!(suite.contains(&flag.to_string()), "{flag}: {suite:?}");
    }
    assert_eq!(zsh_complete("hookctl validate x.json y.json --st", test).unwrap(), ["--strict"]);
    // Names of single positionals, and options after them, as before.
    assert_eq!(zsh_complete("hookctl show handoff-c", test).unwrap(), ["handoff-comment", "handoff-create"]);
    assert_eq!(zsh_complete("hookctl send handoff-create --kind ", test).unwrap(), kinds());
}
