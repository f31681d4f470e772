/** The tree's node kinds. Each carries `uri` (and `ordinal` for walks) so commands from item menus find their target. */
import type * as vscode from 'vscode';
import type { PfnRun } from './pfnRuns';
import type { PteRunView, VmaView } from './space';

interface Base { readonly uri: vscode.Uri; readonly parent?: TreeNode }

export type TreeNode =
  | Base & { readonly kind: 'scenario' }
  | Base & { readonly kind: 'space' }
  | Base & { readonly kind: 'vma'; readonly vma: VmaView; readonly index: number }
  | Base & { readonly kind: 'pteRun'; readonly run: PteRunView; readonly vmaIndex: number }
  | Base & { readonly kind: 'pte'; readonly address: bigint; readonly state: string }
  | Base & { readonly kind: 'walk'; readonly ordinal: number }
  | Base & { readonly kind: 'walkResult'; readonly ordinal: number }
  | Base & { readonly kind: 'pfnRun'; readonly ordinal: number; readonly run: PfnRun }
  | Base & { readonly kind: 'pfn'; readonly ordinal: number; readonly page: number }
  | Base & { readonly kind: 'message'; readonly text: string; readonly command?: vscode.Command; readonly icon?: string };

/** Children shown per level before a "… more" item (single pages of a long run). */
export const MAX_CHILDREN = 500;
