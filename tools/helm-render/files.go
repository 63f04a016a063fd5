package main

// .Files as Helm 3 exposes it to templates, for the part this renderer supports: Get and
// GetBytes of a chart file by its path relative to the chart directory. Like Helm's loader, the
// chart's own metadata, values, schema, templates and charts/ are not files; neither is anything
// the chart's .helmignore names as a directory (`dir/`) or a `*.ext` pattern, which covers the
// patterns charts/opencsp uses.

import (
	"os"
	"path/filepath"
	"strings"
)

// Files mirrors helm.sh/helm/v3/pkg/engine.files.
type Files map[string][]byte

// Get returns a file's content as a string, "" when the chart has no such file (as Helm does).
func (f Files) Get(name string) string {
	return string(f[name])
}

// GetBytes returns a file's content, nil when the chart has no such file.
func (f Files) GetBytes(name string) []byte {
	return f[name]
}

func loadFiles(dir string) (Files, error) {
	ignored, err := helmIgnore(dir)
	if err != nil {
		return nil, err
	}
	files := Files{}
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if info.IsDir() {
			if rel == "templates" || rel == "charts" || ignored(rel+"/", info.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		switch rel {
		case "Chart.yaml", "values.yaml", "values.schema.json", ".helmignore":
			return nil
		}
		if ignored(rel, info.Name()) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	return files, err
}

// helmIgnore reads .helmignore: `dir/` skips a directory, `*.ext` and exact names skip files.
func helmIgnore(dir string) (func(rel, base string) bool, error) {
	data, err := os.ReadFile(filepath.Join(dir, ".helmignore"))
	if os.IsNotExist(err) {
		return func(string, string) bool { return false }, nil
	}
	if err != nil {
		return nil, err
	}
	var patterns []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	return func(rel, base string) bool {
		isDir := strings.HasSuffix(rel, "/")
		for _, p := range patterns {
			if strings.HasSuffix(p, "/") {
				if isDir && (rel == p || strings.HasSuffix(rel, "/"+p)) {
					return true
				}
				continue
			}
			if ok, _ := filepath.Match(p, strings.TrimSuffix(base, "/")); ok {
				return true
			}
		}
		return false
	}, nil
}
