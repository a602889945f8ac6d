import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_followup_complaint_portal", {
    url: "/my",
    steps: () => [
        {
            content: "Open my complaints",
            trigger: 'a[href="/my/complaints"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Report a problem",
            trigger: "a.o_complaint_new_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose my order",
            trigger: 'form.o_complaint_portal_form select[name="order_id"]',
            run: "selectByIndex 1",
        },
        {
            content: "It is about the delivery",
            trigger: 'form.o_complaint_portal_form select[name="category"]',
            run: "selectByLabel Delivery",
        },
        {
            content: "Tell what went wrong",
            trigger: 'form.o_complaint_portal_form textarea[name="description"]',
            run: "edit The box arrived crushed",
        },
        {
            content: "Send",
            trigger: "form.o_complaint_portal_form button.o_complaint_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint page shows my words and its state",
            trigger: '.o_complaint_portal_card:contains("The box arrived crushed") .o_complaint_state:contains("New")',
        },
        {
            content: "Back to the list",
            trigger: '.breadcrumb a[href="/my/complaints"]',
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint is listed with its state",
            trigger: '.o_complaint_row:contains("New")',
        },
    ],
});
