package main

// Loading a chart directory the way Helm's loader does for the parts this renderer supports:
// Chart.yaml, values.yaml, values.schema.json (only passed through) and every file under
// templates/. Subcharts and dependencies are refused with a clear error instead of being
// rendered differently from Helm.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "gopkg.in/yaml.v2"
)

// Maintainer mirrors helm.sh/helm/v3/pkg/chart.Maintainer.
type Maintainer struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	URL   string `yaml:"url"`
}

// Metadata mirrors helm.sh/helm/v3/pkg/chart.Metadata: templates see it as .Chart with these
// field names (.Chart.Name, .Chart.AppVersion...).
type Metadata struct {
	Name         string            `yaml:"name"`
	Home         string            `yaml:"home"`
	Sources      []string          `yaml:"sources"`
	Version      string            `yaml:"version"`
	Description  string            `yaml:"description"`
	Keywords     []string          `yaml:"keywords"`
	Maintainers  []*Maintainer     `yaml:"maintainers"`
	Icon         string            `yaml:"icon"`
	APIVersion   string            `yaml:"apiVersion"`
	Condition    string            `yaml:"condition"`
	Tags         string            `yaml:"tags"`
	AppVersion   string            `yaml:"appVersion"`
	Deprecated   bool              `yaml:"deprecated"`
	Annotations  map[string]string `yaml:"annotations"`
	KubeVersion  string            `yaml:"kubeVersion"`
	Dependencies []interface{}     `yaml:"dependencies"`
	Type         string            `yaml:"type"`
}

// Template is one file under templates/, named as Helm names it: "<chart>/templates/<path>".
type Template struct {
	Name string
	Data string
}

// Chart is a loaded chart directory.
type Chart struct {
	Metadata  Metadata
	Values    map[string]interface{}
	Templates []Template
	Files     Files
}

func loadChart(dir string) (*Chart, error) {
	metaBytes, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading Chart.yaml: %w", err)
	}
	var meta Metadata
	if err := yaml.UnmarshalStrict(metaBytes, &meta); err != nil {
		return nil, fmt.Errorf("parsing Chart.yaml: %w", err)
	}
	if err := checkMetadata(&meta, dir); err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if data, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		if values, err = parseYAMLMap(data); err != nil {
			return nil, fmt.Errorf("parsing values.yaml: %w", err)
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	templates, err := loadTemplates(dir, meta.Name)
	if err != nil {
		return nil, err
	}
	files, err := loadFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("reading chart files: %w", err)
	}
	return &Chart{Metadata: meta, Values: values, Templates: templates, Files: files}, nil
}

func checkMetadata(meta *Metadata, dir string) error {
	if meta.APIVersion != "v2" {
		return fmt.Errorf("Chart.yaml: apiVersion must be v2 (Helm 3), got %q", meta.APIVersion)
	}
	if meta.Name == "" || meta.Version == "" {
		return fmt.Errorf("Chart.yaml: name and version are required")
	}
	if len(meta.Dependencies) > 0 {
		return fmt.Errorf("Chart.yaml: dependencies are not supported by this renderer")
	}
	if info, err := os.Stat(filepath.Join(dir, "charts")); err == nil && info.IsDir() {
		return fmt.Errorf("subcharts (charts/) are not supported by this renderer")
	}
	return nil
}

func loadTemplates(dir, chartName string) ([]Template, error) {
	root := filepath.Join(dir, "templates")
	var out []Template
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name := chartName + "/" + filepath.ToSlash(rel)
		out = append(out, Template{Name: name, Data: string(data)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading templates: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// isPartial reports whether Helm renders the file only through include (leading underscore).
func isPartial(name string) bool {
	return strings.HasPrefix(filepath.Base(name), "_")
}

// isNotes reports whether the file is the chart's NOTES.txt, which Helm prints instead of applying.
func isNotes(name string) bool {
	return strings.HasSuffix(name, "/templates/NOTES.txt")
}
