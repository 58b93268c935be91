import { join } from 'node:path';

/** Accepts a `.xcodeproj` folder or the `project.pbxproj` inside it. */
export function pbxprojPathOf(projectPath: string): string {
  return projectPath.endsWith('.pbxproj') ? projectPath : join(projectPath, 'project.pbxproj');
}
