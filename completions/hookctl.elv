
use builtin;
use str;

set edit:completion:arg-completer[hookctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hookctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hookctl'= {
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --option-case '`--option-case` before the command, as hookctl once took it; the command''s own wins'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the built-in events'
            cand show 'Print an event''s fixture as it would be sent'
            cand schema 'Print the JSON Schema of a document kind'
            cand validate 'Validate payload or response files against the platforms'' contracts'
            cand send 'Deliver an event to a webhook as the platform does, and judge the answer'
            cand scenario 'Deliver a story of events (a handoff''s life cycle) sharing one handoff, user and agent'
            cand listen 'Receive webhooks: show, validate and capture what a platform sends, and answer it'
            cand replay 'Re-send requests captured by `listen --save`, exact bytes, in order (or edited)'
            cand export 'Turn a capture of `listen --save` into curl commands or a HAR file'
            cand test 'Run contract suites (TOML) against the webhooks of a deployment, for CI'
            cand init 'Write a commented starter suite: a case for every built-in event, a target per webhook'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff), of hookctl or of one command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;list'= {
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'hookctl;show'= {
            cand --set 'Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text. `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`'
            cand --seed 'Fixed identifiers (and the fixtures'' timestamps) for reproducible bodies'
            cand --text 'eva: the user''s text'
            cand --expected-options 'eva service cell: the options it offers (comma-separated)'
            cand --answer 'eva transactional answer: the answer''s content before the webhook rewrites it'
            cand --answer-type 'eva transactional answer: the answer''s type (TEXT, CAROUSEL, ...)'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --response 'Show the example of a valid answer from the webhook instead (eva events)'
            cand --pretty 'Pretty-print even when piped (default: pretty on a terminal, the wire''s compact form when piped)'
            cand --compact 'Print the exact compact bytes sent on the wire, even on a terminal'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand handoff-create 'the bot hands a user over to a human: a pending handoff'
            cand handoff-assign 'an agent takes the handoff (assigned, agent thread opened)'
            cand handoff-resolve 'the agent closes the handoff as resolved'
            cand handoff-reject 'an agent rejects a pending handoff'
            cand handoff-expire 'nobody took the handoff within the timeout: expired'
            cand handoff-tags 'the agent edits the handoff''s tags (Botpress sends this twice)'
            cand handoff-comment 'the agent adds a note to the handoff'
            cand agent-online 'an agent switches to online'
            cand agent-offline 'an agent switches to offline'
            cand eva-answer 'eva asks the webhook to rewrite a transactional answer'
            cand eva-service 'eva asks the webhook which option a service cell takes'
        }
        &'hookctl;schema'= {
            cand --report 'Print the JSON Schema of one of hookctl''s own JSON reports (what `-o json` prints) instead; without a name, list the names'
            cand --server 'The OpenAPI document with your receiver''s base URL as its `servers` entry (default: where `hookctl listen` listens, http://127.0.0.1:8080)'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --openapi 'Print an OpenAPI 3.1 document instead: every built-in event as a webhook, with its schema, its example and what the platform reads of the answer'
            cand --paths 'The OpenAPI document with each webhook also as an operation of your receiver (POST /botpress/events, /eva/service, /eva/answer), for tools that read only `paths` (Prism, Schemathesis)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand botpress-event 'A Botpress HITL Next events-webhook body (handoff or agent)'
            cand eva-answer-request 'The body eva posts for a transactional answer'
            cand eva-answer-response 'The webhook''s answer to a transactional-answer request'
            cand eva-service-request 'The body eva posts for a service cell'
            cand eva-service-response 'The webhook''s answer to a service-cell request'
        }
        &'hookctl;validate'= {
            cand --kind 'The kind of every document, instead of detecting it from its shape'
            cand --request 'The eva request the responses answer: enables the option check and context comparisons'
            cand --expected-options 'The options a service cell offered (comma-separated), for the option check'
            cand --max-size 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)'
            cand --option-case 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default'
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --strict 'Stop at the first line of a capture that is not a record (exit 2): nothing after it is read. Without it, each such line is reported (FILE:LINE) and the rest judged'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'hookctl;send'= {
            cand --data 'Send your own JSON body instead of a fixture (`-` for standard input); the URL may follow (`hookctl send --data body.json localhost:3000/hook`), but no EVENT'
            cand --kind 'The kind of the --data body, instead of detecting it'
            cand --set 'Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text. `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`'
            cand --seed 'Fixed identifiers (and the fixtures'' timestamps) for reproducible bodies'
            cand --text 'eva: the user''s text'
            cand --expected-options 'eva service cell: the options it offers (comma-separated)'
            cand --answer 'eva transactional answer: the answer''s content before the webhook rewrites it'
            cand --answer-type 'eva transactional answer: the answer''s type (TEXT, CAROUSEL, ...)'
            cand --expect-status 'Expect this HTTP status instead of any 2xx'
            cand --expect-option 'eva service cell: expect the answer to choose this option'
            cand --count 'Load mode: send this many events, each with fresh ids and delivered once, and summarise; Ctrl-C stops early with the summary so far (exit 130)'
            cand --duration 'Load mode: keep sending for this many seconds, or a duration with its unit (10s, 5m); more than 0 s, at most 86400 s, a day'
            cand -c 'Load mode: requests in flight at once (1 to 1024)'
            cand --concurrency 'Load mode: requests in flight at once (1 to 1024)'
            cand --max-errors 'Load mode: stop after this many transport errors (refused, timeouts...); 0 never stops'
            cand --print 'Print the request as a command instead of sending it (`curl`: one shell-quoted curl command line; secret header values redacted unless --show-secrets; `k6`: a k6 script that sends it as load mode does, secret values read from the environment)'
            cand --max-size 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)'
            cand --url 'The webhook URL. Without one, --botpress-config''s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver'
            cand --botpress-config 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers'
            cand -H 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s'
            cand --header 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s'
            cand --timeout 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)'
            cand --retry 'Re-send on failure: `botpress` follows Botpress''s schedule (10 attempts, 100 ms doubling)'
            cand --retry-scale 'Scale the retry waits (0.01 runs Botpress''s 51 s of waits in 0.5 s)'
            cand --max-response 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)'
            cand --option-case 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default'
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --once 'Deliver once an event that Botpress delivers twice (handoff-tags)'
            cand --dry-run 'Print the request as it would go (method, url, headers, body) and send nothing'
            cand --show-secrets 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand handoff-create 'the bot hands a user over to a human: a pending handoff'
            cand handoff-assign 'an agent takes the handoff (assigned, agent thread opened)'
            cand handoff-resolve 'the agent closes the handoff as resolved'
            cand handoff-reject 'an agent rejects a pending handoff'
            cand handoff-expire 'nobody took the handoff within the timeout: expired'
            cand handoff-tags 'the agent edits the handoff''s tags (Botpress sends this twice)'
            cand handoff-comment 'the agent adds a note to the handoff'
            cand agent-online 'an agent switches to online'
            cand agent-offline 'an agent switches to offline'
            cand eva-answer 'eva asks the webhook to rewrite a transactional answer'
            cand eva-service 'eva asks the webhook which option a service cell takes'
        }
        &'hookctl;scenario'= {
            cand --seed 'Fixed identifiers and order'
            cand --print 'Print the scenario as a script instead of sending it (`k6`: a k6 script whose iterations send the steps in order with fresh ids; secret header values read from the environment unless --show-secrets)'
            cand --url 'The webhook URL. Without one, --botpress-config''s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver'
            cand --botpress-config 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers'
            cand -H 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s'
            cand --header 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s'
            cand --timeout 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)'
            cand --retry 'Re-send on failure: `botpress` follows Botpress''s schedule (10 attempts, 100 ms doubling)'
            cand --retry-scale 'Scale the retry waits (0.01 runs Botpress''s 51 s of waits in 0.5 s)'
            cand --max-response 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)'
            cand --option-case 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default'
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --duplicate 'Deliver every event twice in a row: receivers must be idempotent'
            cand --shuffle 'Deliver the steps out of order (reproducible with --seed)'
            cand --show-secrets 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand handoff-lifecycle 'agent online, handoff created, assigned, resolved'
            cand handoff-lifecycle-reject 'agent online, handoff created, rejected'
            cand handoff-lifecycle-expire 'handoff created, nobody takes it, expired'
            cand handoff-full 'online, create, assign, tags, note, resolve, offline'
        }
        &'hookctl;listen'= {
            cand -p 'The port to listen on (0 picks a free one)'
            cand --port 'The port to listen on (0 picks a free one)'
            cand --bind 'The address to bind. Loopback unless you say otherwise'
            cand --status 'Answer every request with this status (to watch Botpress retry): a final status, 200 to 599'
            cand --fail-first 'Fail the first N deliveries of each distinct body with 503, then accept'
            cand --respond 'Answer with this JSON file instead of the reference answer'
            cand --respond-option 'As an eva webhook mock: the option service cells get (default: the first expected one)'
            cand --forward-to 'Relay every request (exact bytes and headers) to your server, and answer with its answer: the request''s path and query go after the URL''s (`--forward-to localhost:3000/api`, a request to /eva/service?x=1 goes to http://localhost:3000/api/eva/service?x=1; one to /, to the URL itself). Refused when it is this listener itself; a request that comes back is answered 508'
            cand --filter 'Show (and save) only the requests of this kind (as `hookctl validate --kind` names them, or `unknown`) or to this path: exact, or every path that begins so when it ends in / or * (/eva/, /hook*); the query is not looked at. Repeatable, or comma-separated. The others are answered (and forwarded) all the same; the summary counts them'
            cand --save 'Append every request to this file, one JSON line each, before answering it'
            cand --require-header 'Answer 401 to a request without this header (repeatable): `NAME=VALUE` wants that exact value, `NAME` alone any value. As the platform''s configured headers would be checked'
            cand --max-body 'Answer larger bodies with 413: bytes, or with a unit (64KiB, 1MB)'
            cand --max-response 'With --forward-to: read at most this much of your server''s answer, bytes or with a unit (64KiB, 1MB); a longer one is answered 502 (the client is told the limit), not relayed'
            cand --body-timeout 'Answer 408 and close the connection when a request''s body (after its headers) takes longer than this to arrive, as from a client that stopped short of its Content-Length. Default: --header-timeout''s value'
            cand --read-timeout 'Answer 408 and close the connection when a request''s body (after its headers) takes longer than this to arrive, as from a client that stopped short of its Content-Length. Default: --header-timeout''s value'
            cand --header-timeout 'Close a connection whose request headers take longer than this (from their first byte, or from when the connection opened), with no answer'
            cand --idle-timeout 'Close a kept-alive connection that sends no new request for this long after an answer (sooner when --max-connections is reached and a new client waits: the connection idle longest is closed for it)'
            cand --max-connections 'Keep at most this many connections open. When a new client comes and all are taken, the kept-alive connection idle longest is closed for it; with none idle, it waits until one closes. A connection with a request under way is never closed for another'
            cand --grace 'On Ctrl-C (or SIGTERM, or --exit-after), stop accepting and give requests in flight this long to finish; what is left is dropped unanswered (a second Ctrl-C drops it at once)'
            cand --exit-after 'Stop after this many requests (default: run until Ctrl-C). Requests are counted as they arrive (those --filter leaves out too): exactly N are taken, however many come at once; any more are answered 503 with `Connection: close` and not recorded'
            cand --option-case 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default'
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --forward-exact 'With --forward-to: relay every request to the URL exactly as given, whatever its path and query'
            cand --keep-secrets 'Keep secrets in output and captures: header values (authorization, cookies, keys, tokens, signatures) and secret query values'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'hookctl;replay'= {
            cand --filter 'Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`)'
            cand --set 'Override a field of each body re-sent, as `send --set` does (repeatable): a dotted path or JSON pointer; the value is JSON if it parses, else text. The body is then sent compact'
            cand --data 'Send this JSON body (`-` for standard input) instead of the captured one, with the captured headers; one request only (pick it with --filter)'
            cand --print 'Print the requests (edits applied) as commands instead of sending them (`curl`: one shell-quoted curl command line each; secret header values redacted unless --show-secrets)'
            cand --max-size 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)'
            cand --url 'The webhook URL. Without one, --botpress-config''s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver'
            cand --botpress-config 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers'
            cand -H 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s'
            cand --header 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s'
            cand --timeout 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)'
            cand --retry 'Re-send on failure: `botpress` follows Botpress''s schedule (10 attempts, 100 ms doubling)'
            cand --retry-scale 'Scale the retry waits (0.01 runs Botpress''s 51 s of waits in 0.5 s)'
            cand --max-response 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)'
            cand --option-case 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default'
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --strict 'Stop at the first line of the capture that is not a record, sending nothing (exit 2). Without it, each such line is named (FILE:LINE) and the rest replayed; the exit code is then 2'
            cand --show-secrets 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'hookctl;export'= {
            cand --format 'What to write: `curl` commands (a shell script), or a `har` 1.2 file (browsers'' devtools, Postman)'
            cand --out 'Write to this file instead of standard output (`-o` is the report format of the other commands)'
            cand --url 'The url every request goes to, instead of the one it came to (its Host header and path)'
            cand --filter 'Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`)'
            cand --max-size 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --show-secrets 'Write secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values (as far as the capture kept them)'
            cand --strict 'Stop at the first line of the capture that is not a record, writing nothing (exit 2). Without it, each such line is named (FILE:LINE) and the rest exported; the exit code is then 2'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'hookctl;test'= {
            cand --url 'Send every case of a suite with one target here, whatever it and HOOKCTL_URL say; a suite with several targets refuses it (use --target). Without it, HOOKCTL_URL does the same'
            cand --target 'Set the url of the suites'' target NAME (botpress, eva-service, eva-answer, default, or a name of the suite''s own), over the suite''s. Repeatable'
            cand -j 'Cases run at once'
            cand --jobs 'Cases run at once'
            cand --filter 'Run only the cases whose name contains this'
            cand --junit 'Also write a JUnit XML report here, for CI systems'
            cand --option-case 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default'
            cand -o 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --output 'Output format: coloured text for people, or JSON on stdout for machines'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --builtin 'Run cases that have no url against hookctl''s built-in receiver even in CI (the CI variable set), on purpose'
            cand --deny-warnings 'Fail a case on any contract warning (a hidden value shown, a context dropped), as deny_warnings = true in a suite does'
            cand --show-secrets 'Print secrets as they are: header values, the URL''s password and secret query values, and values the suites took from the environment'
            cand --init 'Write a starter suite (to the SUITE path, or hookctl.toml) instead of running'
            cand --force 'With --init: overwrite an existing file'
            cand -v 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand --verbose 'Say more: the request and the answer in full (headers, bodies) and timings'
            cand -q 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand --quiet 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'hookctl;init'= {
            cand --from 'Make the suite from a capture of `listen --save`: a case per distinct request, its body in a payload directory beside the suite, a target per path the requests came to'
            cand --platform 'Write only this platform''s cases and targets'
            cand --max-size 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)'
            cand --color 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)'
            cand --force 'Overwrite an existing file (and, with --from, the payload files)'
            cand --strict 'With --from: stop at the first line of the capture that is not a record, writing nothing (exit 2). Without it, each such line is named (FILE:LINE) and the suite made of the rest; the exit code is then 2'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'hookctl;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand bash ''
            cand elvish ''
            cand fish ''
            cand powershell ''
            cand zsh ''
        }
        &'hookctl;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand list ''
            cand show ''
            cand schema ''
            cand validate ''
            cand send ''
            cand scenario ''
            cand listen ''
            cand replay ''
            cand export ''
            cand test ''
            cand init ''
            cand completions ''
            cand man ''
        }
        &'hookctl;help'= {
            cand list 'List the built-in events'
            cand show 'Print an event''s fixture as it would be sent'
            cand schema 'Print the JSON Schema of a document kind'
            cand validate 'Validate payload or response files against the platforms'' contracts'
            cand send 'Deliver an event to a webhook as the platform does, and judge the answer'
            cand scenario 'Deliver a story of events (a handoff''s life cycle) sharing one handoff, user and agent'
            cand listen 'Receive webhooks: show, validate and capture what a platform sends, and answer it'
            cand replay 'Re-send requests captured by `listen --save`, exact bytes, in order (or edited)'
            cand export 'Turn a capture of `listen --save` into curl commands or a HAR file'
            cand test 'Run contract suites (TOML) against the webhooks of a deployment, for CI'
            cand init 'Write a commented starter suite: a case for every built-in event, a target per webhook'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff), of hookctl or of one command'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookctl;help;list'= {
        }
        &'hookctl;help;show'= {
        }
        &'hookctl;help;schema'= {
        }
        &'hookctl;help;validate'= {
        }
        &'hookctl;help;send'= {
        }
        &'hookctl;help;scenario'= {
        }
        &'hookctl;help;listen'= {
        }
        &'hookctl;help;replay'= {
        }
        &'hookctl;help;export'= {
        }
        &'hookctl;help;test'= {
        }
        &'hookctl;help;init'= {
        }
        &'hookctl;help;completions'= {
        }
        &'hookctl;help;man'= {
        }
        &'hookctl;help;help'= {
        }
    ]
    $completions[$command]
}
