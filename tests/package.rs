//! What the package declares is there: a licence file for each licence `Cargo.toml` names, the
//! repository and the binstall archive it points at, and a CI recipe that installs hookctl once
//! per version and restores it from the cache after.

use std::path::Path;

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    text.parse().unwrap()
}

fn package(key: &str) -> toml::Value {
    manifest()["package"].get(key).unwrap_or_else(|| panic!("Cargo.toml has no package.{key}")).clone()
}

#[test]
fn each_licence_of_the_expression_has_its_file() {
    let expression = package("license");
    let expression = expression.as_str().unwrap();
    let ids: Vec<&str> = expression.split(" OR ").collect();
    assert_eq!(ids, ["MIT", "Apache-2.0"], "{expression}");
    for (id, file, words) in [
        ("MIT", "LICENSE-MIT", "Permission is hereby granted, free of charge"),
        ("Apache-2.0", "LICENSE-APACHE", "Apache License\n                        Version 2.0, January 2004"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{id}: {file}: {e}"));
        assert!(text.contains(words), "{file} is not the {id} licence text");
    }
}

#[test]
fn the_repository_and_the_binstall_archive_are_declared() {
    let repository = package("repository");
    let repository = url::Url::parse(repository.as_str().unwrap()).unwrap();
    assert_eq!(repository.scheme(), "https");
    let binstall = &package("metadata")["binstall"];
    let pkg_url = binstall["pkg-url"].as_str().unwrap();
    for part in ["{ repo }", "{ version }", "{ target }", "{ name }"] {
        assert!(pkg_url.contains(part), "pkg-url {pkg_url} lacks {part}");
    }
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert!(binstall["bin-dir"].as_str().unwrap().contains("{ bin }{ binary-ext }"));
}

/// The README's workflow: a cache step for the installed binary, keyed by the version that the
/// install step (run on a cache miss only) installs.
#[test]
fn the_ci_recipe_installs_hookctl_once_per_version() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("# .github/workflows/webhook-contract.yml").expect("the CI recipe");
    let recipe = &readme[start..start + readme[start..].find("```").unwrap()];
    let cache = recipe.find("uses: actions/cache@").expect("a cache step");
    let install = recipe.find("cargo install").expect("an install step");
    assert!(cache < install, "the cache is restored before the install");
    let id = recipe[..cache].rsplit("id: ").next().unwrap().lines().next().unwrap().trim();
    assert!(
        recipe.contains(&format!("if: steps.{id}.outputs.cache-hit != 'true'")),
        "the install runs on a cache miss only:\n{recipe}"
    );
    assert!(recipe[cache..install].contains("path: ~/.cargo/bin/hookctl"), "the binary is what is cached");
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let key = recipe[cache..].lines().find(|l| l.trim_start().starts_with("key:")).unwrap();
    assert!(key.ends_with(&version), "the key names the version: {key}");
    assert!(recipe[install..].lines().next().unwrap().contains(&format!("--tag {version}")));
}
