/**
 * A vertical list reordered by dragging a handle (pointer or touch) or from the keyboard: focus the
 * handle, Space to pick up, arrows to move, Space to drop, Escape to cancel (@dnd-kit announces
 * each step to screen readers in the UI language).
 */
import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

export interface SortableListProps<T> {
  items: T[];
  idOf: (item: T) => string;
  labelOf: (item: T) => string;
  onMove: (fromId: string, overId: string) => void;
  children: (item: T, handle: ReactNode, index: number) => ReactNode;
  className?: string;
}

export function SortableList<T>({ items, idOf, labelOf, onMove, children, className }: SortableListProps<T>) {
  const { t } = useTranslation("admin");
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = items.map(idOf);
  const label = (id: string | number | undefined) => {
    const item = items.find((i) => idOf(i) === String(id));
    return item ? labelOf(item) : "";
  };
  const position = (id: string | number | undefined) => ids.indexOf(String(id)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t("sort.picked", { item: label(active.id), position: position(active.id), total: ids.length }),
    onDragOver: ({ active, over }) => (over ? t("sort.over", { item: label(active.id), position: position(over.id), total: ids.length }) : undefined),
    onDragEnd: ({ active, over }) => (over ? t("sort.dropped", { item: label(active.id), position: position(over.id), total: ids.length }) : undefined),
    onDragCancel: ({ active }) => t("sort.cancelled", { item: label(active.id) }),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (over && active.id !== over.id) onMove(String(active.id), String(over.id));
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t("sort.instructions") } }}
    >
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
        <ol className={["admin-sortable", className].filter(Boolean).join(" ")}>
          {items.map((item, index) => (
            <SortableRow key={idOf(item)} id={idOf(item)} label={labelOf(item)}>
              {(handle) => children(item, handle, index)}
            </SortableRow>
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  );
}

function SortableRow({ id, label, children }: { id: string; label: string; children: (handle: ReactNode) => ReactNode }) {
  const { t } = useTranslation("admin");
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id });
  const handle = (
    <button
      type="button"
      ref={setActivatorNodeRef}
      className="admin-sortable__handle"
      aria-label={t("sort.handle", { item: label })}
      {...attributes}
      {...listeners}
    >
      <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
        {[3, 7, 11].map((y) => [4, 10].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.3" fill="currentColor" />))}
      </svg>
    </button>
  );
  return (
    <li
      ref={setNodeRef}
      className={`admin-sortable__item${isDragging ? " is-dragging" : ""}`}
      style={{ transform: CSS.Transform.toString(transform), transition }}
    >
      {children(handle)}
    </li>
  );
}
