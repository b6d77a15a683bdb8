/**
 * Project configuration, Ruff's way: `[tool.losslens]` in `pyproject.toml`, or `losslens.toml` /
 * `.losslens.toml`, found from each checked file upwards. A library: the CLI, the language server
 * and the extension each hold a `ProjectConfig`.
 */
export { CONFIG_FILE_NAMES, DEFAULT_EXCLUDE, VIRTUAL_ENVIRONMENT_MARKER, isConfigFileName } from './defaults';
export { ConfigError } from './errors';
export { CONFIG_KEYS, type Located, type PerFileIgnore, type SettingPlace } from './parse';
export {
  type Configuration,
  type FileSettings,
  ProjectConfig,
  type ProjectConfigOptions,
  type RuleSelectionStep,
  type SettingSource,
  type Sourced,
} from './project';
export { renderSettings } from './show';
