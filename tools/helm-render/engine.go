package main

// The render loop of Helm 3's pkg/engine: every template file is parsed into one template set
// (so `define`d names are shared), missing keys render as zero values, each non-partial file is
// executed with the top-level objects (.Values, .Release, .Chart, .Capabilities, .Files, .Template) and
// "<no value>" is removed from the output.

import (
	"fmt"
	"path"
	"strings"
	"text/template"
)

const recursionMaxNums = 1000

// RenderInput is everything a render depends on besides the chart.
type RenderInput struct {
	Values       map[string]interface{}
	Release      map[string]interface{}
	Capabilities *Capabilities
	// Cluster is what `lookup` finds (nil: no cluster, as in `helm template`).
	Cluster clusterObjects
}

// Rendered is one output file of the render.
type Rendered struct {
	Source  string `json:"source"`
	Content string `json:"content"`
}

func render(ch *Chart, in RenderInput) (manifests []Rendered, notes string, err error) {
	t := template.New("gotpl")
	t.Option("missingkey=zero")
	includedNames := map[string]int{}
	t.Funcs(baseFuncMap())
	t.Funcs(template.FuncMap{
		"include":  includeFunc(t, includedNames),
		"tpl":      tplFunc(t, includedNames),
		"required": requiredFunc,
		"lookup":   in.Cluster.lookup,
	})
	for _, tpl := range ch.Templates {
		if _, err := t.New(tpl.Name).Parse(tpl.Data); err != nil {
			return nil, "", fmt.Errorf("parse error in %s: %w", tpl.Name, err)
		}
	}
	top := map[string]interface{}{
		"Values":       in.Values,
		"Release":      in.Release,
		"Chart":        &ch.Metadata,
		"Capabilities": in.Capabilities,
		"Files":        ch.Files,
	}
	for _, tpl := range ch.Templates {
		if isPartial(tpl.Name) {
			continue
		}
		vals := make(map[string]interface{}, len(top)+1)
		for k, v := range top {
			vals[k] = v
		}
		vals["Template"] = map[string]interface{}{
			"Name":     tpl.Name,
			"BasePath": ch.Metadata.Name + "/templates",
		}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, tpl.Name, vals); err != nil {
			return nil, "", fmt.Errorf("render error in %s: %w", tpl.Name, err)
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if isNotes(tpl.Name) {
			notes = out
			continue
		}
		if strings.TrimSpace(out) == "" {
			continue
		}
		manifests = append(manifests, Rendered{Source: tpl.Name, Content: out})
	}
	return manifests, notes, nil
}

// includeFunc renders a named template into a string (Helm's `include`), with Helm's recursion cap.
func includeFunc(t *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(name string, data interface{}) (string, error) {
		if included[name] > recursionMaxNums {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		included[name]++
		defer func() { included[name]-- }()
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
}

// tplFunc renders a string as a template in the context of the chart's templates (Helm's `tpl`).
func tplFunc(parent *template.Template, included map[string]int) func(string, interface{}) (string, error) {
	return func(text string, vals interface{}) (string, error) {
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t.Option("missingkey=zero")
		t.Funcs(template.FuncMap{
			"include": includeFunc(t, included),
			"tpl":     tplFunc(t, included),
		})
		name := "tpl"
		if m, ok := vals.(map[string]interface{}); ok {
			if tm, ok := m["Template"].(map[string]interface{}); ok {
				if n, ok := tm["Name"].(string); ok {
					name = n
				}
			}
		}
		t, err = t.New(path.Clean(name)).Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := t.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

// requiredFunc fails the render when the value is nil or an empty string (Helm's `required`).
func requiredFunc(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, fmt.Errorf("%s", warn)
	}
	if s, ok := val.(string); ok && s == "" {
		return val, fmt.Errorf("%s", warn)
	}
	return val, nil
}
