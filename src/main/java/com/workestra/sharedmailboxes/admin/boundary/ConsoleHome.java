package com.workestra.sharedmailboxes.admin.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code /admin/} opens Settings → Integrations → Outlook. */
@WebServlet({"/admin", "/admin/"})
public class ConsoleHome extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/admin/outlook.xhtml");
    }
}
