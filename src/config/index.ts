/**
 * Project configuration, Ruff's way: `[tool.losslens]` in `pyproject.toml`, or `losslens.toml` /
 * `.losslens.toml`, found from each checked file upwards. A library: the CLI, the language server
 * and the extension each hold a `ProjectConfig`.
 */
export { CONFIG_FILE_NAMES, isConfigFileName } from './defaults';
export { ConfigError } from './errors';
export { type FileSettings, ProjectConfig, type ProjectConfigOptions } from './project';
export { renderSettings } from './show';
