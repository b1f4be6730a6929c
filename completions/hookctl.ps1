
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hookctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hookctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hookctl' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, '`--option-case` before the command, as hookctl once took it; the command''s own wins')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in events')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print an event''s fixture as it would be sent')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a document kind')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate payload or response files against the platforms'' contracts')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver an event to a webhook as the platform does, and judge the answer')
            [CompletionResult]::new('scenario', 'scenario', [CompletionResultType]::ParameterValue, 'Deliver a story of events (a handoff''s life cycle) sharing one handoff, user and agent')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: show, validate and capture what a platform sends, and answer it')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-send requests captured by `listen --save`, exact bytes, in order (or edited)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Turn a capture of `listen --save` into curl commands or a HAR file')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run contract suites (TOML) against the webhooks of a deployment, for CI')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter suite: a case for every built-in event, a target per webhook')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), of hookctl or of one command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookctl;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'hookctl;show' {
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text. `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Fixed identifiers (and the fixtures'' timestamps) for reproducible bodies')
            [CompletionResult]::new('--text', '--text', [CompletionResultType]::ParameterName, 'eva: the user''s text')
            [CompletionResult]::new('--expected-options', '--expected-options', [CompletionResultType]::ParameterName, 'eva service cell: the options it offers (comma-separated)')
            [CompletionResult]::new('--answer', '--answer', [CompletionResultType]::ParameterName, 'eva transactional answer: the answer''s content before the webhook rewrites it')
            [CompletionResult]::new('--answer-type', '--answer-type', [CompletionResultType]::ParameterName, 'eva transactional answer: the answer''s type (TEXT, CAROUSEL, ...)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--response', '--response', [CompletionResultType]::ParameterName, 'Show the example of a valid answer from the webhook instead (eva events)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print even when piped (default: pretty on a terminal, the wire''s compact form when piped)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'Print the exact compact bytes sent on the wire, even on a terminal')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('handoff-create', 'handoff-create', [CompletionResultType]::ParameterValue, 'the bot hands a user over to a human: a pending handoff')
            [CompletionResult]::new('handoff-assign', 'handoff-assign', [CompletionResultType]::ParameterValue, 'an agent takes the handoff (assigned, agent thread opened)')
            [CompletionResult]::new('handoff-resolve', 'handoff-resolve', [CompletionResultType]::ParameterValue, 'the agent closes the handoff as resolved')
            [CompletionResult]::new('handoff-reject', 'handoff-reject', [CompletionResultType]::ParameterValue, 'an agent rejects a pending handoff')
            [CompletionResult]::new('handoff-expire', 'handoff-expire', [CompletionResultType]::ParameterValue, 'nobody took the handoff within the timeout: expired')
            [CompletionResult]::new('handoff-tags', 'handoff-tags', [CompletionResultType]::ParameterValue, 'the agent edits the handoff''s tags (Botpress sends this twice)')
            [CompletionResult]::new('handoff-comment', 'handoff-comment', [CompletionResultType]::ParameterValue, 'the agent adds a note to the handoff')
            [CompletionResult]::new('agent-online', 'agent-online', [CompletionResultType]::ParameterValue, 'an agent switches to online')
            [CompletionResult]::new('agent-offline', 'agent-offline', [CompletionResultType]::ParameterValue, 'an agent switches to offline')
            [CompletionResult]::new('eva-answer', 'eva-answer', [CompletionResultType]::ParameterValue, 'eva asks the webhook to rewrite a transactional answer')
            [CompletionResult]::new('eva-service', 'eva-service', [CompletionResultType]::ParameterValue, 'eva asks the webhook which option a service cell takes')
            break
        }
        'hookctl;schema' {
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Print the JSON Schema of one of hookctl''s own JSON reports (what `-o json` prints) instead; without a name, list the names')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The OpenAPI document with your receiver''s base URL as its `servers` entry (default: where `hookctl listen` listens, http://127.0.0.1:8080)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--openapi', '--openapi', [CompletionResultType]::ParameterName, 'Print an OpenAPI 3.1 document instead: every built-in event as a webhook, with its schema, its example and what the platform reads of the answer')
            [CompletionResult]::new('--paths', '--paths', [CompletionResultType]::ParameterName, 'The OpenAPI document with each webhook also as an operation of your receiver (POST /botpress/events, /eva/service, /eva/answer), for tools that read only `paths` (Prism, Schemathesis)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('botpress-event', 'botpress-event', [CompletionResultType]::ParameterValue, 'A Botpress HITL Next events-webhook body (handoff or agent)')
            [CompletionResult]::new('eva-answer-request', 'eva-answer-request', [CompletionResultType]::ParameterValue, 'The body eva posts for a transactional answer')
            [CompletionResult]::new('eva-answer-response', 'eva-answer-response', [CompletionResultType]::ParameterValue, 'The webhook''s answer to a transactional-answer request')
            [CompletionResult]::new('eva-service-request', 'eva-service-request', [CompletionResultType]::ParameterValue, 'The body eva posts for a service cell')
            [CompletionResult]::new('eva-service-response', 'eva-service-response', [CompletionResultType]::ParameterValue, 'The webhook''s answer to a service-cell request')
            break
        }
        'hookctl;validate' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'The kind of every document, instead of detecting it from its shape')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'The eva request the responses answer: enables the option check and context comparisons')
            [CompletionResult]::new('--expected-options', '--expected-options', [CompletionResultType]::ParameterName, 'The options a service cell offered (comma-separated), for the option check')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Stop at the first line of a capture that is not a record (exit 2): nothing after it is read. Without it, each such line is reported (FILE:LINE) and the rest judged')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'hookctl;send' {
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send your own JSON body instead of a fixture (`-` for standard input); the URL may follow (`hookctl send --data body.json localhost:3000/hook`), but no EVENT')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'The kind of the --data body, instead of detecting it')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a field: a dotted path or JSON pointer; the value is JSON if it parses, else text. `${NAME}` is not expanded here (your shell does that); `$${` is a literal `${`')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Fixed identifiers (and the fixtures'' timestamps) for reproducible bodies')
            [CompletionResult]::new('--text', '--text', [CompletionResultType]::ParameterName, 'eva: the user''s text')
            [CompletionResult]::new('--expected-options', '--expected-options', [CompletionResultType]::ParameterName, 'eva service cell: the options it offers (comma-separated)')
            [CompletionResult]::new('--answer', '--answer', [CompletionResultType]::ParameterName, 'eva transactional answer: the answer''s content before the webhook rewrites it')
            [CompletionResult]::new('--answer-type', '--answer-type', [CompletionResultType]::ParameterName, 'eva transactional answer: the answer''s type (TEXT, CAROUSEL, ...)')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Expect this HTTP status instead of any 2xx')
            [CompletionResult]::new('--expect-option', '--expect-option', [CompletionResultType]::ParameterName, 'eva service cell: expect the answer to choose this option')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Load mode: send this many events, each with fresh ids and delivered once, and summarise; Ctrl-C stops early with the summary so far (exit 130)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Load mode: keep sending for this many seconds, or a duration with its unit (10s, 5m); more than 0 s, at most 86400 s, a day')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Load mode: requests in flight at once (1 to 1024)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Load mode: requests in flight at once (1 to 1024)')
            [CompletionResult]::new('--max-errors', '--max-errors', [CompletionResultType]::ParameterName, 'Load mode: stop after this many transport errors (refused, timeouts...); 0 never stops')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the request as a command instead of sending it (`curl`: one shell-quoted curl command line; secret header values redacted unless --show-secrets; `k6`: a k6 script that sends it as load mode does, secret values read from the environment)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The webhook URL. Without one, --botpress-config''s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver')
            [CompletionResult]::new('--botpress-config', '--botpress-config', [CompletionResultType]::ParameterName, 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Re-send on failure: `botpress` follows Botpress''s schedule (10 attempts, 100 ms doubling)')
            [CompletionResult]::new('--retry-scale', '--retry-scale', [CompletionResultType]::ParameterName, 'Scale the retry waits (0.01 runs Botpress''s 51 s of waits in 0.5 s)')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Deliver once an event that Botpress delivers twice (handoff-tags)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request as it would go (method, url, headers, body) and send nothing')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('handoff-create', 'handoff-create', [CompletionResultType]::ParameterValue, 'the bot hands a user over to a human: a pending handoff')
            [CompletionResult]::new('handoff-assign', 'handoff-assign', [CompletionResultType]::ParameterValue, 'an agent takes the handoff (assigned, agent thread opened)')
            [CompletionResult]::new('handoff-resolve', 'handoff-resolve', [CompletionResultType]::ParameterValue, 'the agent closes the handoff as resolved')
            [CompletionResult]::new('handoff-reject', 'handoff-reject', [CompletionResultType]::ParameterValue, 'an agent rejects a pending handoff')
            [CompletionResult]::new('handoff-expire', 'handoff-expire', [CompletionResultType]::ParameterValue, 'nobody took the handoff within the timeout: expired')
            [CompletionResult]::new('handoff-tags', 'handoff-tags', [CompletionResultType]::ParameterValue, 'the agent edits the handoff''s tags (Botpress sends this twice)')
            [CompletionResult]::new('handoff-comment', 'handoff-comment', [CompletionResultType]::ParameterValue, 'the agent adds a note to the handoff')
            [CompletionResult]::new('agent-online', 'agent-online', [CompletionResultType]::ParameterValue, 'an agent switches to online')
            [CompletionResult]::new('agent-offline', 'agent-offline', [CompletionResultType]::ParameterValue, 'an agent switches to offline')
            [CompletionResult]::new('eva-answer', 'eva-answer', [CompletionResultType]::ParameterValue, 'eva asks the webhook to rewrite a transactional answer')
            [CompletionResult]::new('eva-service', 'eva-service', [CompletionResultType]::ParameterValue, 'eva asks the webhook which option a service cell takes')
            break
        }
        'hookctl;scenario' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Fixed identifiers and order')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the scenario as a script instead of sending it (`k6`: a k6 script whose iterations send the steps in order with fresh ids; secret header values read from the environment unless --show-secrets)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The webhook URL. Without one, --botpress-config''s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver')
            [CompletionResult]::new('--botpress-config', '--botpress-config', [CompletionResultType]::ParameterName, 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Re-send on failure: `botpress` follows Botpress''s schedule (10 attempts, 100 ms doubling)')
            [CompletionResult]::new('--retry-scale', '--retry-scale', [CompletionResultType]::ParameterName, 'Scale the retry waits (0.01 runs Botpress''s 51 s of waits in 0.5 s)')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--duplicate', '--duplicate', [CompletionResultType]::ParameterName, 'Deliver every event twice in a row: receivers must be idempotent')
            [CompletionResult]::new('--shuffle', '--shuffle', [CompletionResultType]::ParameterName, 'Deliver the steps out of order (reproducible with --seed)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('handoff-lifecycle', 'handoff-lifecycle', [CompletionResultType]::ParameterValue, 'agent online, handoff created, assigned, resolved')
            [CompletionResult]::new('handoff-lifecycle-reject', 'handoff-lifecycle-reject', [CompletionResultType]::ParameterValue, 'agent online, handoff created, rejected')
            [CompletionResult]::new('handoff-lifecycle-expire', 'handoff-lifecycle-expire', [CompletionResultType]::ParameterValue, 'handoff created, nobody takes it, expired')
            [CompletionResult]::new('handoff-full', 'handoff-full', [CompletionResultType]::ParameterValue, 'online, create, assign, tags, note, resolve, offline')
            break
        }
        'hookctl;listen' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The port to listen on (0 picks a free one)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port to listen on (0 picks a free one)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'The address to bind. Loopback unless you say otherwise')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Answer every request with this status (to watch Botpress retry): a final status, 200 to 599')
            [CompletionResult]::new('--fail-first', '--fail-first', [CompletionResultType]::ParameterName, 'Fail the first N deliveries of each distinct body with 503, then accept')
            [CompletionResult]::new('--respond', '--respond', [CompletionResultType]::ParameterName, 'Answer with this JSON file instead of the reference answer')
            [CompletionResult]::new('--respond-option', '--respond-option', [CompletionResultType]::ParameterName, 'As an eva webhook mock: the option service cells get (default: the first expected one)')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay every request (exact bytes and headers) to your server, and answer with its answer: the request''s path and query go after the URL''s (`--forward-to localhost:3000/api`, a request to /eva/service?x=1 goes to http://localhost:3000/api/eva/service?x=1; one to /, to the URL itself). Refused when it is this listener itself; a request that comes back is answered 508')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Show (and save) only the requests of this kind (as `hookctl validate --kind` names them, or `unknown`) or to this path: exact, or every path that begins so when it ends in / or * (/eva/, /hook*); the query is not looked at. Repeatable, or comma-separated. The others are answered (and forwarded) all the same; the summary counts them')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Append every request to this file, one JSON line each, before answering it')
            [CompletionResult]::new('--require-header', '--require-header', [CompletionResultType]::ParameterName, 'Answer 401 to a request without this header (repeatable): `NAME=VALUE` wants that exact value, `NAME` alone any value. As the platform''s configured headers would be checked')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Answer larger bodies with 413: bytes, or with a unit (64KiB, 1MB)')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'With --forward-to: read at most this much of your server''s answer, bytes or with a unit (64KiB, 1MB); a longer one is answered 502 (the client is told the limit), not relayed')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Answer 408 and close the connection when a request''s body (after its headers) takes longer than this to arrive, as from a client that stopped short of its Content-Length. Default: --header-timeout''s value')
            [CompletionResult]::new('--read-timeout', '--read-timeout', [CompletionResultType]::ParameterName, 'Answer 408 and close the connection when a request''s body (after its headers) takes longer than this to arrive, as from a client that stopped short of its Content-Length. Default: --header-timeout''s value')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Close a connection whose request headers take longer than this (from their first byte, or from when the connection opened), with no answer')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close a kept-alive connection that sends no new request for this long after an answer (sooner when --max-connections is reached and a new client waits: the connection idle longest is closed for it)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Keep at most this many connections open. When a new client comes and all are taken, the kept-alive connection idle longest is closed for it; with none idle, it waits until one closes. A connection with a request under way is never closed for another')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'On Ctrl-C (or SIGTERM, or --exit-after), stop accepting and give requests in flight this long to finish; what is left is dropped unanswered (a second Ctrl-C drops it at once)')
            [CompletionResult]::new('--exit-after', '--exit-after', [CompletionResultType]::ParameterName, 'Stop after this many requests (default: run until Ctrl-C). Requests are counted as they arrive (those --filter leaves out too): exactly N are taken, however many come at once; any more are answered 503 with `Connection: close` and not recorded')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--forward-exact', '--forward-exact', [CompletionResultType]::ParameterName, 'With --forward-to: relay every request to the URL exactly as given, whatever its path and query')
            [CompletionResult]::new('--keep-secrets', '--keep-secrets', [CompletionResultType]::ParameterName, 'Keep secrets in output and captures: header values (authorization, cookies, keys, tokens, signatures) and secret query values')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'hookctl;replay' {
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a field of each body re-sent, as `send --set` does (repeatable): a dotted path or JSON pointer; the value is JSON if it parses, else text. The body is then sent compact')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send this JSON body (`-` for standard input) instead of the captured one, with the captured headers; one request only (pick it with --filter)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the requests (edits applied) as commands instead of sending them (`curl`: one shell-quoted curl command line each; secret header values redacted unless --show-secrets)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The webhook URL. Without one, --botpress-config''s url, else HOOKCTL_URL; without any, hookctl delivers to its own built-in receiver')
            [CompletionResult]::new('--botpress-config', '--botpress-config', [CompletionResultType]::ParameterName, 'Aim with the Botpress `hitlnext.json` you give Botpress: its eventsWebHook url and headers')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable); it wins over the platform''s and the config''s')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an answer after this many seconds, or a duration with its unit (500ms, 10s); more than 0 s, at most 86400 s, a day (Botpress itself waits forever)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Re-send on failure: `botpress` follows Botpress''s schedule (10 attempts, 100 ms doubling)')
            [CompletionResult]::new('--retry-scale', '--retry-scale', [CompletionResultType]::ParameterName, 'Scale the retry waits (0.01 runs Botpress''s 51 s of waits in 0.5 s)')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Read at most this much of an answer, a longer one failing the contract: bytes, or with a unit (64KiB, 1MB)')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Stop at the first line of the capture that is not a record, sending nothing (exit 2). Without it, each such line is named (FILE:LINE) and the rest replayed; the exit code is then 2')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'hookctl;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to write: `curl` commands (a shell script), or a `har` 1.2 file (browsers'' devtools, Postman)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write to this file instead of standard output (`-o` is the report format of the other commands)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The url every request goes to, instead of the one it came to (its Host header and path)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Only these requests: kinds and/or 1-based indices, comma-separated (`eva-service-request,3,5`)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Write secrets as they are: header values (authorization, cookies, keys, tokens, signatures), the URL''s password and secret query values (as far as the capture kept them)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Stop at the first line of the capture that is not a record, writing nothing (exit 2). Without it, each such line is named (FILE:LINE) and the rest exported; the exit code is then 2')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'hookctl;test' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Send every case of a suite with one target here, whatever it and HOOKCTL_URL say; a suite with several targets refuses it (use --target). Without it, HOOKCTL_URL does the same')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Set the url of the suites'' target NAME (botpress, eva-service, eva-answer, default, or a name of the suite''s own), over the suite''s. Repeatable')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Cases run at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Cases run at once')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Run only the cases whose name contains this')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Also write a JUnit XML report here, for CI systems')
            [CompletionResult]::new('--option-case', '--option-case', [CompletionResultType]::ParameterName, 'How an eva service cell''s option is matched against expectedOptions. eva does not document it: exact by default')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: coloured text for people, or JSON on stdout for machines')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--builtin', '--builtin', [CompletionResultType]::ParameterName, 'Run cases that have no url against hookctl''s built-in receiver even in CI (the CI variable set), on purpose')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Fail a case on any contract warning (a hidden value shown, a context dropped), as deny_warnings = true in a suite does')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secrets as they are: header values, the URL''s password and secret query values, and values the suites took from the environment')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Write a starter suite (to the SUITE path, or hookctl.toml) instead of running')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --init: overwrite an existing file')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the request and the answer in full (headers, bodies) and timings')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say less: only the verdicts and the summary (errors and warnings still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'hookctl;init' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Make the suite from a capture of `listen --save`: a case per distinct request, its body in a payload directory beside the suite, a target per path the requests came to')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Write only this platform''s cases and targets')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Refuse a document larger than this (a file, standard input, a record of a capture): bytes, or with a unit (10MB, 64MiB)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour text output (under auto: not with NO_COLOR or TERM=dumb, and when piped only with CLICOLOR_FORCE)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file (and, with --from, the payload files)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'With --from: stop at the first line of the capture that is not a record, writing nothing (exit 2). Without it, each such line is named (FILE:LINE) and the suite made of the rest; the exit code is then 2')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'hookctl;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('bash', 'bash', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('elvish', 'elvish', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('fish', 'fish', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('powershell', 'powershell', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('zsh', 'zsh', [CompletionResultType]::ParameterValue, '')
            break
        }
        'hookctl;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('scenario', 'scenario', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, '')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, '')
            break
        }
        'hookctl;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in events')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print an event''s fixture as it would be sent')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of a document kind')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate payload or response files against the platforms'' contracts')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver an event to a webhook as the platform does, and judge the answer')
            [CompletionResult]::new('scenario', 'scenario', [CompletionResultType]::ParameterValue, 'Deliver a story of events (a handoff''s life cycle) sharing one handoff, user and agent')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: show, validate and capture what a platform sends, and answer it')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-send requests captured by `listen --save`, exact bytes, in order (or edited)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Turn a capture of `listen --save` into curl commands or a HAR file')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run contract suites (TOML) against the webhooks of a deployment, for CI')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter suite: a case for every built-in event, a target per webhook')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), of hookctl or of one command')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookctl;help;list' {
            break
        }
        'hookctl;help;show' {
            break
        }
        'hookctl;help;schema' {
            break
        }
        'hookctl;help;validate' {
            break
        }
        'hookctl;help;send' {
            break
        }
        'hookctl;help;scenario' {
            break
        }
        'hookctl;help;listen' {
            break
        }
        'hookctl;help;replay' {
            break
        }
        'hookctl;help;export' {
            break
        }
        'hookctl;help;test' {
            break
        }
        'hookctl;help;init' {
            break
        }
        'hookctl;help;completions' {
            break
        }
        'hookctl;help;man' {
            break
        }
        'hookctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
