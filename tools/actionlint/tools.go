// The pinned actionlint that `npx projen lint:workflows` builds: importing its command keeps it in go.mod and go.sum.

//go:build tools

package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
