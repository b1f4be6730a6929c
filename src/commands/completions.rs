//! `hookctl completions SHELL`: a completion script made from the command-line definition.
//!
//! The fish, elvish and PowerShell scripts clap writes complete flags and their values but not the
//! values of positional arguments; hookctl adds those (events, scenarios, kinds, shells, commands)
//! so that every shell offers the same names. In the zsh script, a positional argument that takes
//! many values (`validate FILE...`, `test SUITE...`) is described so that options are still
//! completed after it ([`zsh`]).

use clap::builder::PossibleValue;
use clap_complete::Shell;

use crate::cli::{self, CompletionsArgs};
use crate::error::{Error, Exit, Result};
use crate::output::Out;

pub fn run(args: CompletionsArgs, o: &mut Out) -> Result<Exit> {
    o.out.write_all(script(args.shell)?.as_bytes())?;
    Ok(Exit::Ok)
}

/// The completion script of a shell.
pub fn script(shell: Shell) -> Result<String> {
    let mut cmd = cli::documented();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut out);
    let mut script = String::from_utf8(out)
        .map_err(|e| Error::internal(format!("the {shell} completion script is not UTF-8: {e}")))?;
    if shell == Shell::Zsh {
        script = zsh(&script);
    }
    for (command, values) in positional_values(&cmd) {
        script = match shell {
            Shell::Fish => fish(script, &command, &values),
            Shell::Elvish => elvish(script, &command, &values)?,
            Shell::PowerShell => powershell(script, &command, &values)?,
            _ => script,
        };
    }
    Ok(script)
}

const BIN: &str = "hookctl";

/// Each command's positional arguments' values, in order.
fn positional_values(cmd: &clap::Command) -> Vec<(String, Vec<PossibleValue>)> {
    cmd.get_subcommands()
        .map(|sc| {
            let values = sc
                .get_positionals()
                .flat_map(|a| a.get_possible_values())
                .filter(|v| !v.is_hide_set())
                .collect();
            (sc.get_name().to_string(), values)
        })
        .filter(|(_, values): &(String, Vec<PossibleValue>)| !values.is_empty())
        .collect()
}

/// zsh: the spec of a positional argument with many values is `*:NAME:ACTION`, not the
/// `*::NAME:ACTION` clap writes. With two colons, `_arguments` hands every word from the first
/// such argument on to its action alone, so that after `validate x.json` neither the options
/// (`--<TAB>`) nor an option's values (`--kind <TAB>`) are completed, only more files.
fn zsh(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        match line.strip_prefix("'*::") {
            Some(rest) if !rest.starts_with(':') => {
                out.push_str("'*:");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn help(value: &PossibleValue) -> String {
    value.get_help().map(|h| h.to_string().replace('\n', " ")).unwrap_or_default()
}

/// fish: one rule more for the command, the values with their help, and no file names.
fn fish(mut script: String, command: &str, values: &[PossibleValue]) -> String {
    let quote = |s: &str| s.replace('\\', "\\\\").replace('\'', "\\'");
    let listed: Vec<String> =
        values.iter().map(|v| format!("{}\\t'{}'", quote(v.get_name()), quote(&help(v)))).collect();
    script.push_str(&format!(
        "complete -c {BIN} -n \"__fish_{BIN}_using_subcommand {command}\" -f -a \"{}\"\n",
        listed.join("\n")
    ));
    script
}

/// elvish: the values as candidates of the command, beside its flags.
fn elvish(script: String, command: &str, values: &[PossibleValue]) -> Result<String> {
    let quote = |s: &str| s.replace('\'', "''");
    let lines: String =
        values.iter().map(|v| format!("\n            cand {} '{}'", v.get_name(), quote(&help(v)))).collect();
    insert_before(script, &format!("&'{BIN};{command}'= {{"), "\n        }", &lines)
}

/// PowerShell: the values as results of the command, beside its flags.
fn powershell(script: String, command: &str, values: &[PossibleValue]) -> Result<String> {
    let quote = |s: &str| s.replace('\'', "''");
    let lines: String = values
        .iter()
        .map(|v| {
            let name = quote(v.get_name());
            format!(
                "\n            [CompletionResult]::new('{name}', '{name}', [CompletionResultType]::ParameterValue, '{}')",
                quote(&help(v))
            )
        })
        .collect();
    insert_before(script, &format!("'{BIN};{command}' {{"), "\n            break", &lines)
}

/// `text` inserted before the first `end` after `start`.
fn insert_before(mut script: String, start: &str, end: &str, text: &str) -> Result<String> {
    let at = script
        .find(start)
        .and_then(|s| script[s..].find(end).map(|e| s + e))
        .ok_or_else(|| Error::internal(format!("completion script: no block '{start}' to add values to")))?;
    script.insert_str(at, text);
    Ok(script)
}

#[cfg(test)]
mod tests {
    #[test]
    fn zsh_positionals_of_many_values_leave_the_words_after_them_to_the_options() {
        let generated = "_arguments \"${_arguments_options[@]}\" : \\\n\
                         '--kind=[The kind]:KIND:(a b)' \\\n\
                         '*::inputs -- Files:_files' \\\n\
                         ':event -- The event:(x y)' \\\n\
                         '::name -- The scenario:(s)' \\\n\
                         \"*::: :->hookctl\" \\\n";
        let fixed = super::zsh(generated);
        assert!(fixed.contains("\n'*:inputs -- Files:_files' \\\n"), "{fixed}");
        // Single positionals (required `:`, optional `::`) and the subcommand dispatch stay.
        for kept in ["':event -- The event", "'::name -- The scenario", "\"*::: :->hookctl\""] {
            assert!(fixed.contains(kept), "{kept}: {fixed}");
        }
        assert_eq!(fixed.len(), generated.len() - 1);
    }
}
