/// The files `plugins new` writes. Each kind's script defines both forms so a new plugin's tests
/// exercise the per-row and the columnar path from the start.
enum PluginTemplates {
    static func features(_ name: String) -> [(String, String)] {
        [("plugin.yaml", """
            # \(name): a features plugin. `batchscore plugins show \(name)` lists what is declared here.
            name: \(name)
            version: 0.1.0
            kind: features
            entry: \(name).lua
            description: Multiplies a numeric column by a factor (replace with what \(name) computes).
            params:
              column: { type: string, required: true, doc: "the numeric input column (int64 or float64)" }
              as:     { type: string, default: scaled, doc: "name of the output column (float64)" }
              factor: { type: number, default: 2, doc: "what to multiply by" }
            inputs:
              "{column}": float64
            outputs:
              "{as}": float64

            """),
         ("\(name).lua", """
            -- \(name): row[column] * factor, as the column named by `as`.
            -- Runs in BatchScore's sandbox: no io, no os (except clock/time/date), a per-row instruction budget.

            -- Per-row form: called once per row with the row's columns (nil for null) and the step's params.
            -- Return a table of output columns; every declared output needs a value, or the row is rejected.
            function features(row, params)
              local x = row[params.column]
              if x == nil then error(params.column .. " is null") end
              return { [params.as] = x * params.factor }
            end

            -- Columnar form, used instead of features() when defined (much faster on big batches):
            -- cols.NAME is an array of n values (nil for null); return a table of output arrays of length n.
            -- `plugins test` runs both forms and requires them to agree; delete one if you only want the other.
            function features_batch(cols, n, params)
              local xs, out, factor = cols[params.column], {}, params.factor
              for i = 1, n do
                local x = xs[i]
                if x == nil then error(params.column .. " is null") end
                out[i] = x * factor
              end
              return { [params.as] = out }
            end

            """),
         ("tests/basic.yaml", """
            # Cases for `batchscore plugins test \(name)`: a row in, the expected outputs (or error) out.
            params: { column: amount, as: scaled }
            cases:
              - name: scales a float
                row: { amount: 1.5 }
                expect: { scaled: 3.0 }
              - name: scales an integer
                row: { amount: 4 }
                expect: { scaled: 8.0 }
              - name: a custom factor
                params: { factor: 0.5 }
                row: { amount: 10.0 }
                expect: { scaled: 5.0 }
              - name: text is rejected
                row: { amount: "abc" }
                expect_error: "attempt to mul"

            """),
         ("README.md", readme(name, kind: "features", usage: """
            features:
              - { type: lua, plugin: \(name)@^0.1, params: { column: amount, as: amount_x2 } }
            """))]
    }

    static func validator(_ name: String) -> [(String, String)] {
        [("plugin.yaml", """
            # \(name): a validator plugin. `batchscore plugins show \(name)` lists what is declared here.
            name: \(name)
            version: 0.1.0
            kind: validator
            entry: \(name).lua
            description: Rejects rows whose column is null or below a minimum (replace with \(name)'s rule).
            params:
              column:  { type: string, required: true, doc: "the numeric column to check" }
              minimum: { type: number, default: 0, doc: "the smallest accepted value" }
            inputs:
              "{column}": float64

            """),
         ("\(name).lua", """
            -- \(name): rejects rows whose column is null or below params.minimum.
            -- Runs in BatchScore's sandbox: no io, no os (except clock/time/date), a per-row instruction budget.

            -- The reason for rejecting value x, or nil to accept it (shared by both forms).
            local function problem(x, params)
              if x == nil then return params.column .. " is missing" end
              if x < params.minimum then return params.column .. " is below " .. params.minimum end
              return nil
            end

            -- Per-row form: return true, or false and a reason (it goes to the quarantine).
            function validate(row, params)
              local reason = problem(row[params.column], params)
              if reason then return false, reason end
              return true
            end

            -- Columnar form, used instead of validate() when defined: cols.NAME is an array of n values
            -- (nil for null); return an array of n verdicts, each true or a reason string.
            -- `plugins test` runs both forms and requires them to agree; delete one if you only want the other.
            function validate_batch(cols, n, params)
              local xs, out = cols[params.column] or {}, {}
              for i = 1, n do out[i] = problem(xs[i], params) or true end
              return out
            end

            """),
         ("tests/basic.yaml", """
            # Cases for `batchscore plugins test \(name)`: a row in, `true` (accepted) or a reason out.
            params: { column: age, minimum: 18 }
            cases:
              - name: accepts a value at the minimum
                row: { age: 18 }
                expect: true
              - name: rejects a value below the minimum
                row: { age: 12 }
                expect: "below"
              - name: rejects a missing value
                row: { age: null }
                expect: "missing"

            """),
         ("README.md", readme(name, kind: "validator", usage: """
            validate:
              - { type: lua, plugin: \(name)@^0.1, params: { column: age, minimum: 18 } }
            """))]
    }

    static func readme(_ name: String, kind: String, usage: String) -> String {
        """
        # \(name)

        A BatchScore Lua \(kind) plugin. Describe here what it does and why.

        ## Use

        ```yaml
        \(usage)
        ```

        Params, outputs and defaults: `batchscore plugins show \(name)` (from `plugin.yaml`).

        ## Develop

        - `\(name).lua` holds the hook, in both forms (per row, and columnar for speed).
        - `tests/*.yaml` hold cases; run them with `batchscore plugins test \(name)` (or the folder's path).
        - Bump `version` in `plugin.yaml` (semver) when you change behaviour: jobs pin `\(name)@^0.1`.

        """
    }
}
