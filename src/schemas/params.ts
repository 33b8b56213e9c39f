// Path and query parameters shared by the routes.
import { Type } from '@sinclair/typebox'
import { DATA_CATEGORIES } from '../kinds/data-authorization.ts'

export const DataCategory = Type.Union(DATA_CATEGORIES.map((c) => Type.Literal(c)))
